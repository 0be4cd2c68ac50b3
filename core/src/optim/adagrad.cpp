// Adagrad (Duchi et al. 2011) in PyTorch's and Keras' forms.
#include "check.h"

namespace duet::optim {

void adagrad_update(Array& param, const Array& grad, const AdagradRule& rule, AdagradState& state) {
  detail::require_matching_gradient(param, grad, "adagrad");
  Array scratch;
  const Array& g = detail::decayed_gradient(grad, param, rule.weight_decay, scratch);
  Array& sum = detail::buffer(state.sum, param, rule.initial_accumulator_value);
  ++state.step;
  // torch/optim/adagrad.py: clr = lr / (1 + (step - 1) * lr_decay)
  const float lr = rule.learning_rate / (1.0f + static_cast<float>(state.step - 1) * rule.lr_decay);
  sum += g.square();
  if (rule.epsilon_placement == RootEpsilon::outside_sqrt) {
    param -= lr * g / (sum.sqrt() + rule.epsilon);
  } else {
    param -= lr * g / (sum + rule.epsilon).sqrt();
  }
}

}  // namespace duet::optim
