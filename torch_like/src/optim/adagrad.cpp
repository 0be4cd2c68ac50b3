#include "duet/torch/optim/adagrad.h"

#include <fmt/format.h>

namespace duet::torch::optim {

// torch/optim/adagrad.py's constructor checks, with its wording.
void AdagradRule::validate(const AdagradFields& o) {
  if (!(o.lr >= 0)) throw Error(fmt::format("Adagrad: Invalid learning rate: {:g}", o.lr));
  if (!(o.lr_decay >= 0)) throw Error(fmt::format("Adagrad: Invalid lr_decay value: {:g}", o.lr_decay));
  if (!(o.weight_decay >= 0)) throw Error(fmt::format("Adagrad: Invalid weight_decay value: {:g}", o.weight_decay));
  if (!(o.initial_accumulator_value >= 0)) {
    throw Error(fmt::format("Adagrad: Invalid initial_accumulator_value value: {:g}", o.initial_accumulator_value));
  }
  if (!(o.eps >= 0)) throw Error(fmt::format("Adagrad: Invalid epsilon value: {:g}", o.eps));
}

void AdagradRule::update(Tensor::Array& param, const Tensor::Array& grad, const AdagradFields& o,
                         duet::optim::AdagradState& s) {
  duet::optim::adagrad_update(param, grad,
                              {.learning_rate = o.lr,
                               .epsilon = o.eps,
                               .initial_accumulator_value = o.initial_accumulator_value,
                               .weight_decay = o.weight_decay,
                               .lr_decay = o.lr_decay,
                               .epsilon_placement = duet::optim::RootEpsilon::outside_sqrt},
                              s);
}

}  // namespace duet::torch::optim
