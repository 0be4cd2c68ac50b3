// Finite-difference gradient checking in float64, the independent truth for every op's backward.
//
// For f(inputs) -> tensor, the scalar L = sum(f(inputs) * R) with fixed random weights R is
// differentiated by autograd and by central differences, (L(x + h) - L(x - h)) / 2h, h = 1e-6.
// In float64 the truncation error is O(h^2) ~ 1e-12 and the rounding error ~ 1e-16 / h = 1e-10
// times the values involved, so |analytic - numeric| <= 1e-6 + 1e-5 |numeric| leaves room for
// both by orders of magnitude while still catching a wrong derivative (off by O(1) relative).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "duet/core/ops.h"
#include "duet/core/random.h"

namespace duet::test {

using Fn = std::function<Tensor64(const std::vector<Tensor64>&)>;

inline Tensor64 random_tensor64(const Shape& shape, Generator& gen, double low = -2.0, double high = 2.0) {
  Tensor64::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = low + (high - low) * gen.uniform(0.0f, 1.0f);
  return Tensor64::from_array(shape, std::move(v));
}

// Expects analytic and numeric gradients of every input to agree; `what` names the case.
inline void expect_gradients_match(const Fn& f, std::vector<Tensor64> inputs, const std::string& what,
                                   std::uint64_t seed = 7) {
  constexpr double h = 1e-6, abs_tol = 1e-6, rel_tol = 1e-5;
  for (auto& x : inputs) x = x.detach().set_requires_grad(true);  // fresh leaves: no stale .grad
  const Tensor64 out = f(inputs);
  Generator gen(seed);
  const Tensor64 weights = random_tensor64(out.shape(), gen, 0.5, 1.5);
  const auto scalar_of = [&](const std::vector<Tensor64>& xs) {
    NoGradGuard no_grad;
    return (f(xs).data() * weights.data()).sum();
  };
  sum(mul(out, weights)).backward();

  for (std::size_t k = 0; k < inputs.size(); ++k) {
    ASSERT_TRUE(inputs[k].grad().defined()) << what << ": input " << k << " received no gradient";
    const auto analytic = inputs[k].grad().data();
    for (Eigen::Index i = 0; i < inputs[k].data().size(); ++i) {
      std::vector<Tensor64> plus, minus;
      for (const auto& x : inputs) {
        plus.push_back(x.detach());
        minus.push_back(x.detach());
      }
      plus[k].mutable_data()[i] += h;
      minus[k].mutable_data()[i] -= h;
      const double numeric = (scalar_of(plus) - scalar_of(minus)) / (2 * h);
      EXPECT_NEAR(analytic[i], numeric, abs_tol + rel_tol * std::abs(numeric))
          << what << ": d/d input " << k << " (shape " << inputs[k].shape().str() << ") element " << i;
    }
  }
}

}  // namespace duet::test
