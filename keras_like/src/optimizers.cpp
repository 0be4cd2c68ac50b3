#include "duet/keras/optimizers.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::keras::optimizers {

SGD::SGD(SGDOptions options) : options_(options) {
  if (!(options.learning_rate >= 0)) {
    throw Error(fmt::format("SGD: learning_rate must be a non-negative number. Received: learning_rate={:g}",
                            options.learning_rate));
  }
  // keras/src/optimizers/sgd.py: "`momentum` must be a float between [0, 1]."
  if (!(options.momentum >= 0 && options.momentum <= 1)) {
    throw Error(fmt::format("SGD: `momentum` must be a float between [0, 1]. Received: momentum={:g}", options.momentum));
  }
}

void SGD::apply_gradients(const std::vector<Tensor>& variables) {
  const duet::optim::SgdRule rule{.learning_rate = options_.learning_rate,
                                  .momentum = options_.momentum,
                                  .nesterov = options_.nesterov,
                                  .form = duet::optim::MomentumForm::velocity};
  for (const auto& v : variables) {
    if (!v.grad().defined()) continue;
    Tensor var = v;
    duet::optim::sgd_update(var.mutable_data(), v.grad().data(), rule, velocity_[v.impl_ptr().get()]);
  }
}

std::shared_ptr<Optimizer> get(const std::string& identifier) {
  if (identifier == "sgd" || identifier == "SGD") return std::make_shared<SGD>();
  throw Error(fmt::format("Could not interpret optimizer identifier: '{}' (known: sgd)", identifier));
}

}  // namespace duet::keras::optimizers
