#include "duet/torch/optim/sgd.h"

#include <fmt/format.h>

#include <cmath>

namespace duet::torch::optim {

// The checks of torch/optim/sgd.py's constructor, with its wording.
void SGDRule::validate(const SGDFields& o) {
  if (std::isnan(o.lr)) throw Error("SGD: lr is required (for example {.lr = 0.01f})");
  if (o.lr < 0) throw Error(fmt::format("SGD: Invalid learning rate: {:g}", o.lr));
  if (o.momentum < 0) throw Error(fmt::format("SGD: Invalid momentum value: {:g}", o.momentum));
  if (o.weight_decay < 0) throw Error(fmt::format("SGD: Invalid weight_decay value: {:g}", o.weight_decay));
  if (o.nesterov && (o.momentum <= 0 || o.dampening != 0)) {
    throw Error("SGD: Nesterov momentum requires a momentum and zero dampening");
  }
}

void SGDRule::update(Tensor::Array& param, const Tensor::Array& grad, const SGDFields& o, duet::optim::SgdState& s) {
  duet::optim::sgd_update(param, grad,
                          {.learning_rate = o.lr,
                           .momentum = o.momentum,
                           .dampening = o.dampening,
                           .weight_decay = o.weight_decay,
                           .nesterov = o.nesterov,
                           .form = duet::optim::MomentumForm::gradient_buffer},
                          s);
}

}  // namespace duet::torch::optim
