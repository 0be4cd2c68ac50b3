// RMSprop (Tieleman & Hinton 2012) in PyTorch's and Keras' forms.
#include "check.h"

namespace duet::optim {

namespace {

// The step from the second-moment estimate `second` (an Eigen expression, so nothing is copied).
template <typename Second>
void rmsprop_step(Array& param, const Array& g, const Second& second, const RmspropRule& rule, RmspropState& state) {
  const auto step = [&](const auto& denom) {
    if (rule.momentum > 0.0f) {
      Array& buf = detail::buffer(state.momentum, param);
      if (rule.momentum_learning_rate == MomentumLearningRate::after_buffer) {
        buf = rule.momentum * buf + g / denom;  // torch: lr applied after the buffer
        param -= rule.learning_rate * buf;
      } else {
        buf = rule.momentum * buf + rule.learning_rate * g / denom;  // keras: lr inside the buffer
        param -= buf;
      }
    } else {
      param -= rule.learning_rate * g / denom;
    }
  };
  if (rule.epsilon_placement == RootEpsilon::outside_sqrt) {
    step(second.sqrt() + rule.epsilon);
  } else {
    step((second + rule.epsilon).sqrt());
  }
}

}  // namespace

void rmsprop_update(Array& param, const Array& grad, const RmspropRule& rule, RmspropState& state) {
  detail::require_matching_gradient(param, grad, "rmsprop");
  Array scratch;
  const Array& g = detail::decayed_gradient(grad, param, rule.weight_decay, scratch);
  const float rho = rule.rho;
  Array& square_avg = detail::buffer(state.square_avg, param);
  square_avg = rho * square_avg + (1.0f - rho) * g.square();
  if (rule.centered) {
    Array& grad_avg = detail::buffer(state.grad_avg, param);
    grad_avg = rho * grad_avg + (1.0f - rho) * g;
    rmsprop_step(param, g, square_avg - grad_avg.square(), rule, state);
  } else {
    rmsprop_step(param, g, square_avg, rule, state);
  }
}

}  // namespace duet::optim
