// RMSprop (Tieleman & Hinton 2012) in PyTorch's and Keras' forms.
#include "check.h"

namespace duet::optim {

void rmsprop_update(Array& param, const Array& grad, const RmspropRule& rule, RmspropState& state) {
  detail::require_matching_gradient(param, grad, "rmsprop");
  const Array g = rule.weight_decay != 0.0f ? Array(grad + rule.weight_decay * param) : grad;
  const float rho = rule.rho;
  Array& square_avg = detail::buffer(state.square_avg, param);
  square_avg = rho * square_avg + (1.0f - rho) * g.square();
  Array second = square_avg;
  if (rule.centered) {
    Array& grad_avg = detail::buffer(state.grad_avg, param);
    grad_avg = rho * grad_avg + (1.0f - rho) * g;
    second -= grad_avg.square();
  }
  const Array denom = rule.epsilon_placement == RootEpsilon::outside_sqrt ? Array(second.sqrt() + rule.epsilon)
                                                                          : Array((second + rule.epsilon).sqrt());
  if (rule.momentum > 0.0f) {
    Array& buf = detail::buffer(state.momentum, param);
    if (rule.epsilon_placement == RootEpsilon::outside_sqrt) {
      buf = rule.momentum * buf + g / denom;  // torch: lr applied after the buffer
      param -= rule.learning_rate * buf;
    } else {
      buf = rule.momentum * buf + rule.learning_rate * g / denom;  // keras: lr inside the buffer
      param -= buf;
    }
  } else {
    param -= rule.learning_rate * g / denom;
  }
}

}  // namespace duet::optim
