#include "duet/torch/optim/sgd.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"

namespace duet::torch::optim {

void Optimizer::zero_grad() {
  for (auto& p : params_) p.zero_grad();
}

namespace {
// The checks of torch/optim/sgd.py's constructor, with its wording.
void validate(const SGDOptions& o) {
  if (std::isnan(o.lr)) throw Error("SGD: lr is required (for example {.lr = 0.01f})");
  if (o.lr < 0) throw Error(fmt::format("SGD: Invalid learning rate: {:g}", o.lr));
  if (o.momentum < 0) throw Error(fmt::format("SGD: Invalid momentum value: {:g}", o.momentum));
  if (o.weight_decay < 0) throw Error(fmt::format("SGD: Invalid weight_decay value: {:g}", o.weight_decay));
  if (o.nesterov && (o.momentum <= 0 || o.dampening != 0)) {
    throw Error("SGD: Nesterov momentum requires a momentum and zero dampening");
  }
}
}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions options) : SGD(std::vector<SGDParamGroup>{{std::move(params), options}}) {}

SGD::SGD(std::vector<SGDParamGroup> groups) : groups_(std::move(groups)) {
  for (const auto& g : groups_) {
    validate(g.options);
    for (const auto& p : g.params) {
      if (!p.defined() || !p.is_leaf()) throw Error("SGD: can't optimize a non-leaf Tensor");
    }
    track(g.params);
  }
}

void SGD::step() {
  for (auto& group : groups_) {
    const auto& o = group.options;
    const duet::optim::SgdRule rule{.learning_rate = o.lr,
                                    .momentum = o.momentum,
                                    .dampening = o.dampening,
                                    .weight_decay = o.weight_decay,
                                    .nesterov = o.nesterov,
                                    .form = duet::optim::MomentumForm::gradient_buffer};
    for (auto& p : group.params) {
      if (!p.grad().defined()) continue;
      duet::optim::sgd_update(p.mutable_data(), p.grad().data(), rule, state_[p.impl_ptr().get()]);
    }
  }
}

}  // namespace duet::torch::optim
