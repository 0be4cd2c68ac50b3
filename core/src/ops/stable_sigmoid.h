// Internal: the logistic function in two branches so that exp never overflows: 1 / (1 + e^-v) for
// v >= 0, e^v / (1 + e^v) below. Shared by sigmoid, silu, softplus' derivative, BCEWithLogits'
// gradient and the fused LSTM cell's float64 path.
#pragma once

#include <cmath>

namespace duet::detail {

template <typename T>
T stable_sigmoid(T v) {
  if (v >= T(0)) return T(1) / (T(1) + std::exp(-v));
  const T e = std::exp(v);
  return e / (T(1) + e);
}

}  // namespace duet::detail
