// Adam and AdamW, with PyTorch's and Keras' epsilon placements.
#include <cmath>

#include "check.h"
#include "duet/core/clipping.h"

namespace duet::optim {

void adam_update(Array& param, const Array& grad, const AdamRule& rule, AdamState& state) {
  detail::require_matching_gradient(param, grad, "adam");
  const float lr = rule.learning_rate;
  if (rule.decoupled_weight_decay) {  // torch/optim/adamw.py: before the moments
    decoupled_weight_decay(param, lr, rule.weight_decay, DecoupledDecayForm::scale);
  }
  Array scratch;
  const Array& g =
      detail::decayed_gradient(grad, param, rule.decoupled_weight_decay ? 0.0f : rule.weight_decay, scratch);
  Array& m = detail::buffer(state.m, param);
  Array& v = detail::buffer(state.v, param);
  ++state.step;
  m = rule.beta1 * m + (1.0f - rule.beta1) * g;
  v = rule.beta2 * v + (1.0f - rule.beta2) * g.square();
  const Array* second = &v;
  if (rule.amsgrad) {
    Array& v_max = detail::buffer(state.v_max, param);
    v_max = v_max.max(v);
    second = &v_max;
  }
  const double t = static_cast<double>(state.step);
  const double bias1 = 1.0 - std::pow(static_cast<double>(rule.beta1), t);
  const double bias2 = 1.0 - std::pow(static_cast<double>(rule.beta2), t);
  if (rule.epsilon_placement == AdamEpsilon::after_bias_correction) {
    // torch/optim/adam.py (_single_tensor_adam): scalars in double, tensors in float32.
    const auto step_size = static_cast<float>(lr / bias1);
    const auto bias2_sqrt = static_cast<float>(std::sqrt(bias2));
    param -= step_size * m / (second->sqrt() / bias2_sqrt + rule.epsilon);
  } else {
    // keras/src/optimizers/adam.py: alpha = lr sqrt(1 - b2^t) / (1 - b1^t); eps added to sqrt(v).
    const auto alpha = static_cast<float>(lr * std::sqrt(bias2) / bias1);
    param -= alpha * m / (second->sqrt() + rule.epsilon);
  }
}

}  // namespace duet::optim
