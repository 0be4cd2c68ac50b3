// elu, selu, gelu, leaky_relu, silu, thresholded softplus and hard sigmoid: each op's value and
// derivative side by side, recorded by the shared unary helper.
#include "duet/core/activations.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "stable_sigmoid.h"
#include "unary.h"

namespace duet {

using detail::stable_sigmoid;
using detail::unary;

namespace {

// torch/nn/modules/activation.py SELU and keras/src/backend/*/nn.py selu: the same two constants.
template <typename T>
constexpr T kSeluAlpha = T(1.6732632423543772848170429916717);
template <typename T>
constexpr T kSeluScale = T(1.0507009873554804934193349852946);

}  // namespace

template <typename T>
BasicTensor<T> elu(const BasicTensor<T>& x, T alpha) {
  return unary(
      "elu", x, [alpha](T v) { return v > T(0) ? v : alpha * std::expm1(v); },
      [alpha](T v, T) { return v > T(0) ? T(1) : alpha * std::exp(v); });
}

template <typename T>
BasicTensor<T> selu(const BasicTensor<T>& x) {
  constexpr T a = kSeluAlpha<T>, s = kSeluScale<T>;
  return unary(
      "selu", x, [](T v) { return v > T(0) ? s * v : s * a * std::expm1(v); },
      [](T v, T) { return v > T(0) ? s : s * a * std::exp(v); });
}

template <typename T>
BasicTensor<T> gelu(const BasicTensor<T>& x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::none) {
    // d/dx x Phi(x) = Phi(x) + x phi(x), phi the standard normal density.
    return unary(
        "gelu", x, [](T v) { return T(0.5) * v * (T(1) + std::erf(v / std::numbers::sqrt2_v<T>)); },
        [](T v, T) {
          const T cdf = T(0.5) * (T(1) + std::erf(v / std::numbers::sqrt2_v<T>));
          const T pdf = std::exp(T(-0.5) * v * v) * std::numbers::inv_sqrtpi_v<T> / std::numbers::sqrt2_v<T>;
          return cdf + v * pdf;
        });
  }
  // u = sqrt(2/pi) (x + c x^3): y = x (1 + tanh u) / 2, dy/dx = (1 + t) / 2 + x (1 - t^2) u' / 2.
  constexpr T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>, c = T(0.044715);
  return unary(
      "gelu", x, [](T v) { return T(0.5) * v * (T(1) + std::tanh(k * (v + c * v * v * v))); },
      [](T v, T) {
        const T t = std::tanh(k * (v + c * v * v * v));
        return T(0.5) * (T(1) + t) + T(0.5) * v * (T(1) - t * t) * k * (T(1) + T(3) * c * v * v);
      });
}

template <typename T>
BasicTensor<T> leaky_relu(const BasicTensor<T>& x, T negative_slope) {
  return unary(
      "leaky_relu", x, [negative_slope](T v) { return v > T(0) ? v : negative_slope * v; },
      [negative_slope](T v, T) { return v > T(0) ? T(1) : negative_slope; });
}

template <typename T>
BasicTensor<T> silu(const BasicTensor<T>& x) {
  // d/dx x s(x) = s (1 + x (1 - s)), as PyTorch's silu_backward.
  return unary(
      "silu", x, [](T v) { return v * stable_sigmoid(v); },
      [](T v, T) {
        const T s = stable_sigmoid(v);
        return s * (T(1) + v * (T(1) - s));
      });
}

template <typename T>
BasicTensor<T> softplus(const BasicTensor<T>& x, T beta, T threshold) {
  // aten's softplus kernel: the linear branch where beta x > threshold, log1p(exp(beta x)) / beta
  // elsewhere; the derivative sigmoid(beta x), 1 on the linear branch.
  return unary(
      "softplus", x,
      [beta, threshold](T v) {
        const T z = beta * v;
        return z > threshold ? v : (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / beta;
      },
      [beta, threshold](T v, T) { return beta * v > threshold ? T(1) : stable_sigmoid(beta * v); });
}

template <typename T>
BasicTensor<T> hard_sigmoid(const BasicTensor<T>& x, HardSigmoidForm form) {
  if (form == HardSigmoidForm::relu6) {
    // PyTorch's hardsigmoid kernel and Keras 3's ops.hard_sigmoid: min(max(x + 3, 0), 6) / 6.
    return unary(
        "hard_sigmoid", x, [](T v) { return std::clamp(v + T(3), T(0), T(6)) / T(6); },
        [](T v, T) { return (v > T(-3) && v < T(3)) ? T(1) / T(6) : T(0); });
  }
  // tfjs-layers HardSigmoid / Keras 2 backend.hard_sigmoid: clip(0.2 x + 0.5, 0, 1); tfjs'
  // clipByValue passes the gradient where the unclipped value is within the bounds, inclusive,
  // i.e. for x in [-2.5, 2.5] (tested on x so that a fused multiply-add cannot move the corner).
  return unary(
      "hard_sigmoid", x, [](T v) { return std::clamp(T(0.2) * v + T(0.5), T(0), T(1)); },
      [](T v, T) { return (v >= T(-2.5) && v <= T(2.5)) ? T(0.2) : T(0); });
}

#define DUET_INSTANTIATE(T)                                                 \
  template BasicTensor<T> elu(const BasicTensor<T>&, T);                    \
  template BasicTensor<T> selu(const BasicTensor<T>&);                      \
  template BasicTensor<T> gelu(const BasicTensor<T>&, GeluApproximation);   \
  template BasicTensor<T> leaky_relu(const BasicTensor<T>&, T);             \
  template BasicTensor<T> silu(const BasicTensor<T>&);                      \
  template BasicTensor<T> softplus(const BasicTensor<T>&, T, T);            \
  template BasicTensor<T> hard_sigmoid(const BasicTensor<T>&, HardSigmoidForm);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
