// core kl_div_pointwise and x_log_x: both target forms against central finite differences in
// float64, in the input and in the target, with broadcasting; 0 log 0 = 0.
#include <gtest/gtest.h>

#include <cmath>

#include "duet/core/kl_div.h"
#include "support/gradcheck.h"

namespace duet::test {
namespace {

TEST(KLDiv, ZeroLogZeroIsZeroAndTheTermIsTargetTimesLogRatio) {
  const Tensor64 x = Tensor64::from_rows({{-1.0, -2.0}});
  const Tensor64 q = Tensor64::from_rows({{0.0, 0.25}});
  const Tensor64 v = kl_div_pointwise(x, q, false);
  EXPECT_EQ(v.data()[0], 0.0);
  EXPECT_NEAR(v.data()[1], 0.25 * (std::log(0.25) + 2.0), 1e-15);
  // The log form: exp(t) (t - x) with t = log q gives the same.
  EXPECT_NEAR(kl_div_pointwise(x, Tensor64::from_rows({{-3.0, std::log(0.25)}}), true).data()[1], v.data()[1], 1e-15);
}

TEST(KLDiv, GradientsMatchFiniteDifferences) {
  Generator gen(11);
  const Tensor64 input = random_tensor64({3, 4}, gen, -3.0, -0.1);
  const Tensor64 probabilities = random_tensor64({3, 4}, gen, 0.05, 1.0);  // away from 0, where d/dq is NaN
  const Tensor64 log_probabilities = random_tensor64({3, 4}, gen, -3.0, 0.5);
  const Tensor64 row = random_tensor64({1, 4}, gen, 0.05, 1.0);
  expect_gradients_match([](const auto& in) { return kl_div_pointwise(in[0], in[1], false); }, {input, probabilities},
                         "probability target");
  expect_gradients_match([](const auto& in) { return kl_div_pointwise(in[0], in[1], true); },
                         {input, log_probabilities}, "log target");
  expect_gradients_match([](const auto& in) { return kl_div_pointwise(in[0], in[1], false); }, {input, row},
                         "target broadcast over rows");
  expect_gradients_match([](const auto& in) { return x_log_x(in[0]); }, {probabilities}, "x log x");
}

}  // namespace
}  // namespace duet::test
