#include "duet/torch/optim/adam.h"

#include <fmt/format.h>

namespace duet::torch::optim {

namespace {
// torch/optim/adam.py's constructor checks, with its wording.
template <typename O>
void validate_adam(const O& o, const char* name) {
  if (!(o.lr >= 0)) throw Error(fmt::format("{}: Invalid learning rate: {:g}", name, o.lr));
  if (!(o.eps >= 0)) throw Error(fmt::format("{}: Invalid epsilon value: {:g}", name, o.eps));
  if (!(o.betas.first >= 0 && o.betas.first < 1)) {
    throw Error(fmt::format("{}: Invalid beta parameter at index 0: {:g}", name, o.betas.first));
  }
  if (!(o.betas.second >= 0 && o.betas.second < 1)) {
    throw Error(fmt::format("{}: Invalid beta parameter at index 1: {:g}", name, o.betas.second));
  }
  if (!(o.weight_decay >= 0)) throw Error(fmt::format("{}: Invalid weight_decay value: {:g}", name, o.weight_decay));
}

template <typename O>
duet::optim::AdamRule core_rule(const O& o, bool decoupled) {
  return {.learning_rate = o.lr,
          .beta1 = o.betas.first,
          .beta2 = o.betas.second,
          .epsilon = o.eps,
          .weight_decay = o.weight_decay,
          .decoupled_weight_decay = decoupled,
          .amsgrad = o.amsgrad,
          .epsilon_placement = duet::optim::AdamEpsilon::after_bias_correction};
}
}  // namespace

void AdamRule::validate(const AdamFields& o) { validate_adam(o, kName); }
void AdamWRule::validate(const AdamWFields& o) { validate_adam(o, kName); }

void AdamRule::update(Tensor::Array& param, const Tensor::Array& grad, const AdamFields& o,
                      duet::optim::AdamState& s) {
  duet::optim::adam_update(param, grad, core_rule(o, false), s);
}

void AdamWRule::update(Tensor::Array& param, const Tensor::Array& grad, const AdamWFields& o,
                       duet::optim::AdamState& s) {
  duet::optim::adam_update(param, grad, core_rule(o, true), s);
}

}  // namespace duet::torch::optim
