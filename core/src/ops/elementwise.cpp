// Elementwise ops. Each op states its forward value and its derivative side by side; the
// unary/binary helpers below do the recording and the broadcasting once for all of them.
#include <fmt/format.h>

#include <cmath>

#include "../autograd.h"
#include "broadcast.h"
#include "stable_sigmoid.h"
#include "unary.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

namespace {

using detail::grad_sink;
using detail::stable_sigmoid;
using detail::make_result;
using detail::unary;
using detail::wants_grad;

// z = f(a, b) with broadcasting; dz/da = da(a, b, z), dz/db = db(a, b, z).
template <typename T, typename F, typename DA, typename DB>
BasicTensor<T> binary(const char* op, const BasicTensor<T>& a, const BasicTensor<T>& b, F f, DA da, DB db) {
  const auto& av = a.data();
  const auto& bv = b.data();
  if (a.shape() == b.shape()) {  // the common case: no index arithmetic
    auto z = detail::take_values<T>(av.size());
    for (Eigen::Index i = 0; i < av.size(); ++i) z[i] = f(av[i], bv[i]);
    return make_result<T>(op, a.shape(), std::move(z), {&a, &b},
                          [da, db](GradNode<T>& node, const TensorImpl<T>& out, const auto& g) {
                            const auto& x = node.inputs[0]->data;
                            const auto& y = node.inputs[1]->data;
                            if (wants_grad(node, 0)) {
                              auto& s = grad_sink(node, 0);
                              for (Eigen::Index i = 0; i < g.size(); ++i) s[i] += g[i] * da(x[i], y[i], out.data[i]);
                            }
                            if (wants_grad(node, 1)) {
                              auto& s = grad_sink(node, 1);
                              for (Eigen::Index i = 0; i < g.size(); ++i) s[i] += g[i] * db(x[i], y[i], out.data[i]);
                            }
                          });
  }
  detail::BroadcastPlan plan(a.shape(), b.shape(), op);
  auto z = detail::take_values<T>(plan.out.numel());
  plan.for_each([&](std::int64_t o, std::int64_t ia, std::int64_t ib) { z[o] = f(av[ia], bv[ib]); });
  return make_result<T>(op, plan.out, std::move(z), {&a, &b},
                        [plan, da, db](GradNode<T>& node, const TensorImpl<T>& out, const auto& g) {
                          const auto& x = node.inputs[0]->data;
                          const auto& y = node.inputs[1]->data;
                          if (wants_grad(node, 0)) {
                            auto& s = grad_sink(node, 0);
                            plan.for_each([&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                              s[ia] += g[o] * da(x[ia], y[ib], out.data[o]);
                            });
                          }
                          if (wants_grad(node, 1)) {
                            auto& s = grad_sink(node, 1);
                            plan.for_each([&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                              s[ib] += g[o] * db(x[ia], y[ib], out.data[o]);
                            });
                          }
                        });
}

template <typename T>
void require_domain(const BasicTensor<T>& x, const char* op, bool (*ok)(T), const char* domain) {
  const auto& v = x.data();
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!ok(v[i]) && !std::isnan(v[i])) {
      throw Error(fmt::format("{}: element {} is {:g}, outside the domain {} (the result would be NaN)", op,
                              i, v[i], domain));
    }
  }
}

// Whole-number dtypes survive + - * between themselves (PyTorch's type promotion: int64 op int64
// is int64; bool is promoted to int64 here). Such tensors never require grad.
template <typename T>
bool integral(const BasicTensor<T>& x) {
  return !is_floating(x.dtype());
}
template <typename T>
BasicTensor<T> keep_integral(BasicTensor<T> out, bool integral_result) {
  if (integral_result) out.impl().dtype = DType::int64;
  return out;
}

}  // namespace

template <typename T>
BasicTensor<T> add(const BasicTensor<T>& a, const BasicTensor<T>& b) {
  return keep_integral(binary(
                           "add", a, b, [](T x, T y) { return x + y; }, [](T, T, T) { return T(1); },
                           [](T, T, T) { return T(1); }),
                       integral(a) && integral(b));
}

template <typename T>
BasicTensor<T> sub(const BasicTensor<T>& a, const BasicTensor<T>& b) {
  return keep_integral(binary(
                           "sub", a, b, [](T x, T y) { return x - y; }, [](T, T, T) { return T(1); },
                           [](T, T, T) { return T(-1); }),
                       integral(a) && integral(b));
}

template <typename T>
BasicTensor<T> mul(const BasicTensor<T>& a, const BasicTensor<T>& b) {
  return keep_integral(binary(
                           "mul", a, b, [](T x, T y) { return x * y; }, [](T, T y, T) { return y; },
                           [](T x, T, T) { return x; }),
                       integral(a) && integral(b));
}

template <typename T>
BasicTensor<T> div(const BasicTensor<T>& a, const BasicTensor<T>& b) {
  return binary(
      "div", a, b, [](T x, T y) { return x / y; }, [](T, T y, T) { return T(1) / y; },
      [](T, T y, T z) { return -z / y; });
}

template <typename T>
BasicTensor<T> neg(const BasicTensor<T>& x) {
  return keep_integral(unary("neg", x, [](T v) { return -v; }, [](T, T) { return T(-1); }), integral(x));
}

template <typename T>
BasicTensor<T> add_scalar(const BasicTensor<T>& x, T s) {
  return unary("add_scalar", x, [s](T v) { return v + s; }, [](T, T) { return T(1); });
}

template <typename T>
BasicTensor<T> mul_scalar(const BasicTensor<T>& x, T s) {
  return unary("mul_scalar", x, [s](T v) { return v * s; }, [s](T, T) { return s; });
}

template <typename T>
BasicTensor<T> add_number(const BasicTensor<T>& x, T s, bool integral_scalar) {
  return keep_integral(add_scalar(x, s), integral(x) && integral_scalar);
}

template <typename T>
BasicTensor<T> mul_number(const BasicTensor<T>& x, T s, bool integral_scalar) {
  return keep_integral(mul_scalar(x, s), integral(x) && integral_scalar);
}

template <typename T>
BasicTensor<T> pow(const BasicTensor<T>& x, T p) {
  return unary(
      "pow", x, [p](T v) { return std::pow(v, p); },
      [p](T v, T) { return p == T(0) ? T(0) : p * std::pow(v, p - T(1)); });
}

template <typename T>
BasicTensor<T> pow(const BasicTensor<T>& base, const BasicTensor<T>& exponent) {
  // tools/autograd/templates/FunctionsManual.cpp pow_backward_self / pow_backward_exponent:
  // the base's gradient is masked to 0 where e = 0, the exponent's where b = 0 and e >= 0.
  return binary(
      "pow", base, exponent, [](T b, T e) { return std::pow(b, e); },
      [](T b, T e, T) { return e == T(0) ? T(0) : e * std::pow(b, e - T(1)); },
      [](T b, T e, T z) { return (b == T(0) && e >= T(0)) ? T(0) : z * std::log(b); });
}

template <typename T>
BasicTensor<T> sin(const BasicTensor<T>& x) {
  return unary("sin", x, [](T v) { return std::sin(v); }, [](T v, T) { return std::cos(v); });
}

template <typename T>
BasicTensor<T> cos(const BasicTensor<T>& x) {
  return unary("cos", x, [](T v) { return std::cos(v); }, [](T v, T) { return -std::sin(v); });
}

template <typename T>
BasicTensor<T> copy(const BasicTensor<T>& x) {
  auto out = unary("clone", x, [](T v) { return v; }, [](T, T) { return T(1); });
  out.impl().dtype = x.dtype();
  return out;
}

template <typename T>
BasicTensor<T> square(const BasicTensor<T>& x) {
  return unary("square", x, [](T v) { return v * v; }, [](T v, T) { return T(2) * v; });
}

template <typename T>
BasicTensor<T> exp(const BasicTensor<T>& x) {
  return unary("exp", x, [](T v) { return std::exp(v); }, [](T, T y) { return y; });
}

template <typename T>
BasicTensor<T> log(const BasicTensor<T>& x) {
  require_domain<T>(x, "log", [](T v) { return v >= T(0); }, "x >= 0");
  return unary("log", x, [](T v) { return std::log(v); }, [](T v, T) { return T(1) / v; });
}

template <typename T>
BasicTensor<T> sqrt(const BasicTensor<T>& x) {
  require_domain<T>(x, "sqrt", [](T v) { return v >= T(0); }, "x >= 0");
  return unary("sqrt", x, [](T v) { return std::sqrt(v); }, [](T, T y) { return T(0.5) / y; });
}

template <typename T>
BasicTensor<T> abs(const BasicTensor<T>& x) {
  return keep_integral(
      unary("abs", x, [](T v) { return std::abs(v); }, [](T v, T) { return T((v > T(0)) - (v < T(0))); }),
      integral(x));
}

template <typename T>
BasicTensor<T> clamp(const BasicTensor<T>& x, T lo, T hi) {
  if (lo > hi) throw Error(fmt::format("clamp: lower bound {:g} is above upper bound {:g}", lo, hi));
  return unary(
      "clamp", x, [lo, hi](T v) { return std::clamp(v, lo, hi); },
      [lo, hi](T v, T) { return (v >= lo && v <= hi) ? T(1) : T(0); });
}

template <typename T>
BasicTensor<T> relu(const BasicTensor<T>& x) {
  return unary("relu", x, [](T v) { return v > T(0) ? v : T(0); }, [](T v, T) { return v > T(0) ? T(1) : T(0); });
}

template <typename T>
BasicTensor<T> sigmoid(const BasicTensor<T>& x) {
  return unary("sigmoid", x, [](T v) { return stable_sigmoid(v); }, [](T, T y) { return y * (T(1) - y); });
}

template <typename T>
BasicTensor<T> tanh(const BasicTensor<T>& x) {
  return unary("tanh", x, [](T v) { return std::tanh(v); }, [](T, T y) { return T(1) - y * y; });
}

template <typename T>
BasicTensor<T> softplus(const BasicTensor<T>& x) {
  // log(1 + e^v) = max(v, 0) + log1p(e^-|v|): no overflow for large v, no underflow loss for small.
  return unary(
      "softplus", x, [](T v) { return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v))); },
      [](T v, T) { return stable_sigmoid(v); });
}

template <typename T>
BasicTensor<T> bce_log_floor(const BasicTensor<T>& p, const BasicTensor<T>& y) {
  if (!(p.shape() == y.shape())) {
    throw Error(fmt::format("binary_cross_entropy: predictions of shape {} and targets of shape {} differ",
                            p.shape().str(), y.shape().str()));
  }
  require_domain<T>(p, "binary_cross_entropy", [](T v) { return v >= T(0) && v <= T(1); }, "0 <= p <= 1");
  // aten/src/ATen/native/Loss.cpp: logs clamped at -100 so p = 0 or 1 gives a finite loss.
  static constexpr T kLogFloor = T(-100), kEps = T(1e-12);
  return binary(
      "binary_cross_entropy", p, y,
      [](T pv, T yv) {
        return -(yv * std::max(std::log(pv), kLogFloor) + (T(1) - yv) * std::max(std::log1p(-pv), kLogFloor));
      },
      [](T pv, T yv, T) { return (pv - yv) / std::max(pv * (T(1) - pv), kEps); },
      [](T pv, T, T) { return -(std::max(std::log(pv), kLogFloor) - std::max(std::log1p(-pv), kLogFloor)); });
}

template <typename T>
BasicTensor<T> sigmoid_cross_entropy(const BasicTensor<T>& z, const BasicTensor<T>& y) {
  if (!(z.shape() == y.shape())) {
    throw Error(fmt::format("binary_cross_entropy_with_logits: logits of shape {} and targets of shape {} differ",
                            z.shape().str(), y.shape().str()));
  }
  return binary(
      "binary_cross_entropy_with_logits", z, y,
      [](T zv, T yv) { return std::max(zv, T(0)) - zv * yv + std::log1p(std::exp(-std::abs(zv))); },
      [](T zv, T yv, T) {
        const T s = stable_sigmoid(zv);
        return s - yv;
      },
      [](T zv, T, T) { return -zv; });
}

#define DUET_INSTANTIATE(T)                                                          \
  template BasicTensor<T> add(const BasicTensor<T>&, const BasicTensor<T>&);         \
  template BasicTensor<T> sub(const BasicTensor<T>&, const BasicTensor<T>&);         \
  template BasicTensor<T> mul(const BasicTensor<T>&, const BasicTensor<T>&);         \
  template BasicTensor<T> div(const BasicTensor<T>&, const BasicTensor<T>&);         \
  template BasicTensor<T> neg(const BasicTensor<T>&);                                \
  template BasicTensor<T> add_scalar(const BasicTensor<T>&, T);                      \
  template BasicTensor<T> mul_scalar(const BasicTensor<T>&, T);                      \
  template BasicTensor<T> pow(const BasicTensor<T>&, T);                             \
  template BasicTensor<T> pow(const BasicTensor<T>&, const BasicTensor<T>&);         \
  template BasicTensor<T> add_number(const BasicTensor<T>&, T, bool);                \
  template BasicTensor<T> mul_number(const BasicTensor<T>&, T, bool);                \
  template BasicTensor<T> sin(const BasicTensor<T>&);                                \
  template BasicTensor<T> cos(const BasicTensor<T>&);                                \
  template BasicTensor<T> copy(const BasicTensor<T>&);                               \
  template BasicTensor<T> square(const BasicTensor<T>&);                             \
  template BasicTensor<T> exp(const BasicTensor<T>&);                                \
  template BasicTensor<T> log(const BasicTensor<T>&);                                \
  template BasicTensor<T> sqrt(const BasicTensor<T>&);                               \
  template BasicTensor<T> abs(const BasicTensor<T>&);                                \
  template BasicTensor<T> clamp(const BasicTensor<T>&, T, T);                        \
  template BasicTensor<T> relu(const BasicTensor<T>&);                               \
  template BasicTensor<T> sigmoid(const BasicTensor<T>&);                            \
  template BasicTensor<T> tanh(const BasicTensor<T>&);                               \
  template BasicTensor<T> softplus(const BasicTensor<T>&);                            \
  template BasicTensor<T> bce_log_floor(const BasicTensor<T>&, const BasicTensor<T>&);         \
  template BasicTensor<T> sigmoid_cross_entropy(const BasicTensor<T>&, const BasicTensor<T>&);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
