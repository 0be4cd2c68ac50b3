#include "duet/torch/optim/rmsprop.h"

#include <fmt/format.h>

namespace duet::torch::optim {

// torch/optim/rmsprop.py's constructor checks, with its wording.
void RMSpropRule::validate(const RMSpropFields& o) {
  if (!(o.lr >= 0)) throw Error(fmt::format("RMSprop: Invalid learning rate: {:g}", o.lr));
  if (!(o.eps >= 0)) throw Error(fmt::format("RMSprop: Invalid epsilon value: {:g}", o.eps));
  if (!(o.momentum >= 0)) throw Error(fmt::format("RMSprop: Invalid momentum value: {:g}", o.momentum));
  if (!(o.weight_decay >= 0)) throw Error(fmt::format("RMSprop: Invalid weight_decay value: {:g}", o.weight_decay));
  if (!(o.alpha >= 0)) throw Error(fmt::format("RMSprop: Invalid alpha value: {:g}", o.alpha));
}

void RMSpropRule::update(Tensor::Array& param, const Tensor::Array& grad, const RMSpropFields& o,
                         duet::optim::RmspropState& s) {
  duet::optim::rmsprop_update(param, grad,
                              {.learning_rate = o.lr,
                               .rho = o.alpha,
                               .epsilon = o.eps,
                               .momentum = o.momentum,
                               .centered = o.centered,
                               .weight_decay = o.weight_decay,
                               .epsilon_placement = duet::optim::RootEpsilon::outside_sqrt,
                               .momentum_learning_rate = duet::optim::MomentumLearningRate::after_buffer},
                              s);
}

}  // namespace duet::torch::optim
