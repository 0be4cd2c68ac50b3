// Internal: checks shared by the update rules.
#pragma once

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/optim.h"

namespace duet::optim::detail {

inline void require_matching_gradient(const Array& param, const Array& grad, const char* rule) {
  if (grad.size() != param.size()) {
    throw Error(fmt::format("{}: gradient has {} values for a parameter of {}", rule, grad.size(), param.size()));
  }
}

// Lazily creates a state buffer shaped like the parameter.
inline Array& buffer(Array& slot, const Array& param, float initial = 0.0f) {
  if (slot.size() != param.size()) slot = Array::Constant(param.size(), initial);
  return slot;
}

// The gradient with coupled L2 weight decay added (g + wd p), without a copy when wd is 0.
inline const Array& decayed_gradient(const Array& grad, const Array& param, float weight_decay, Array& scratch) {
  if (weight_decay == 0.0f) return grad;
  scratch = grad + weight_decay * param;
  return scratch;
}

}  // namespace duet::optim::detail
