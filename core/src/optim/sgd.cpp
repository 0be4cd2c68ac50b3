// Stochastic gradient descent with momentum in both frameworks' forms.
#include <fmt/format.h>

#include "check.h"
#include "duet/core/optim.h"

namespace duet::optim {

void sgd_update(Array& param, const Array& grad, const SgdRule& rule, SgdState& state) {
  detail::require_matching_gradient(param, grad, "sgd");
  const float lr = rule.learning_rate;
  const float m = rule.momentum;
  if (rule.weight_decay == 0.0f && m == 0.0f) {  // the plain rule, without temporaries
    param -= lr * grad;
    return;
  }
  Array scratch;
  const Array& g = detail::decayed_gradient(grad, param, rule.weight_decay, scratch);
  if (m == 0.0f) {
    param -= lr * g;
    return;
  }
  if (rule.form == MomentumForm::gradient_buffer) {
    // torch/optim/sgd.py: the first step copies g into the buffer (no dampening).
    if (state.buffer.size() == 0) {
      state.buffer = g;
    } else {
      state.buffer = m * state.buffer + (1.0f - rule.dampening) * g;
    }
    if (rule.nesterov) {
      param -= lr * (g + m * state.buffer);
    } else {
      param -= lr * state.buffer;
    }
    return;
  }
  // keras/src/optimizers/sgd.py: velocity starts at zero.
  if (state.buffer.size() == 0) state.buffer = Array::Zero(param.size());
  state.buffer = m * state.buffer - lr * g;
  if (rule.nesterov) {
    param += m * state.buffer - lr * g;
  } else {
    param += state.buffer;
  }
}

}  // namespace duet::optim
