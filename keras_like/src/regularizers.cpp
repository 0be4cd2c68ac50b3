// keras.regularizers: the penalties and the factor checks of keras/src/regularizers/regularizers.py.
#include "duet/keras/regularizers.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet::keras::regularizers {

namespace {

// regularizers.py validate_float_arg.
double validated(double value, const char* name) {
  if (!std::isfinite(value) || value < 0) {
    throw Error(fmt::format("Invalid value for argument {}: expected a non-negative float.Received: {}={:g}", name,
                            name, value));
  }
  return value;
}

}  // namespace

Tensor Regularizer::operator()(const Tensor& weight) const {
  Tensor penalty = Tensor::zeros({});
  if (l1 != 0) penalty = add(penalty, mul_scalar(sum(abs(weight)), static_cast<float>(l1)));
  if (l2 != 0) penalty = add(penalty, mul_scalar(sum(square(weight)), static_cast<float>(l2)));
  return penalty;
}

Regularizer L1(double l1) { return {validated(l1, "l1"), 0.0, "L1"}; }
Regularizer L2(double l2) { return {0.0, validated(l2, "l2"), "L2"}; }
Regularizer L1L2(double l1, double l2) { return {validated(l1, "l1"), validated(l2, "l2"), "L1L2"}; }

Regularizer get(const std::string& identifier) {
  if (identifier == "l1" || identifier == "L1") return L1();
  if (identifier == "l2" || identifier == "L2") return L2();
  if (identifier == "l1_l2" || identifier == "l1l2" || identifier == "L1L2") return L1L2();
  throw Error(fmt::format("Could not interpret regularizer identifier: '{}' (known: l1, l2, l1_l2)", identifier));
}

}  // namespace duet::keras::regularizers
