#include "duet/keras/optimizers.h"

#include <fmt/format.h>

#include "duet/core/error.h"

#include <cctype>
#include <type_traits>
#include <utility>

namespace duet::keras::optimizers {

namespace {
void require_learning_rate(float lr, const char* name) {
  if (!(lr >= 0)) {
    throw Error(fmt::format("{}: learning_rate must be a non-negative number. Received: learning_rate={:g}", name, lr));
  }
}
void require_unit_interval(float v, const char* name, const char* what) {
  if (!(v >= 0 && v <= 1)) throw Error(fmt::format("{}: `{}` must be a float between [0, 1]. Received: {}={:g}", name, what, what, v));
}
}  // namespace

void SGDRule::validate(const SGDOptions& o) {
  require_learning_rate(o.learning_rate, kName);
  require_unit_interval(o.momentum, kName, "momentum");  // keras/src/optimizers/sgd.py
}

void SGDRule::update(Tensor::Array& v, const Tensor::Array& g, const SGDOptions& o, duet::optim::SgdState& s) {
  duet::optim::sgd_update(v, g,
                          {.learning_rate = o.learning_rate,
                           .momentum = o.momentum,
                           .nesterov = o.nesterov,
                           .form = duet::optim::MomentumForm::velocity},
                          s);
}

void AdamRule::validate(const AdamOptions& o) {
  require_learning_rate(o.learning_rate, kName);
  require_unit_interval(o.beta_1, kName, "beta_1");
  require_unit_interval(o.beta_2, kName, "beta_2");
  if (!(o.epsilon >= 0)) throw Error(fmt::format("Adam: epsilon must not be negative. Received: epsilon={:g}", o.epsilon));
}

void AdamRule::update(Tensor::Array& v, const Tensor::Array& g, const AdamOptions& o, duet::optim::AdamState& s) {
  duet::optim::adam_update(v, g,
                           {.learning_rate = o.learning_rate,
                            .beta1 = o.beta_1,
                            .beta2 = o.beta_2,
                            .epsilon = o.epsilon,
                            .amsgrad = o.amsgrad,
                            .epsilon_placement = duet::optim::AdamEpsilon::before_bias_correction},
                           s);
}

void RMSpropRule::validate(const RMSpropOptions& o) {
  require_learning_rate(o.learning_rate, kName);
  require_unit_interval(o.rho, kName, "rho");
  require_unit_interval(o.momentum, kName, "momentum");
  if (!(o.epsilon >= 0)) throw Error(fmt::format("RMSprop: epsilon must not be negative. Received: epsilon={:g}", o.epsilon));
}

void RMSpropRule::update(Tensor::Array& v, const Tensor::Array& g, const RMSpropOptions& o,
                         duet::optim::RmspropState& s) {
  duet::optim::rmsprop_update(v, g,
                              {.learning_rate = o.learning_rate,
                               .rho = o.rho,
                               .epsilon = o.epsilon,
                               .momentum = o.momentum,
                               .centered = o.centered,
                               .epsilon_placement = duet::optim::RootEpsilon::inside_sqrt,
                               .momentum_learning_rate = duet::optim::MomentumLearningRate::inside_buffer},
                              s);
}

void AdagradRule::validate(const AdagradOptions& o) {
  require_learning_rate(o.learning_rate, kName);
  if (!(o.initial_accumulator_value >= 0)) {
    throw Error(fmt::format("Adagrad: initial_accumulator_value must not be negative. Received: {:g}",
                            o.initial_accumulator_value));
  }
  if (!(o.epsilon >= 0)) throw Error(fmt::format("Adagrad: epsilon must not be negative. Received: epsilon={:g}", o.epsilon));
}

void AdagradRule::update(Tensor::Array& v, const Tensor::Array& g, const AdagradOptions& o,
                         duet::optim::AdagradState& s) {
  duet::optim::adagrad_update(v, g,
                              {.learning_rate = o.learning_rate,
                               .epsilon = o.epsilon,
                               .initial_accumulator_value = o.initial_accumulator_value,
                               .epsilon_placement = duet::optim::RootEpsilon::inside_sqrt},
                              s);
}

const std::vector<Descriptor>& all() {
  static const std::vector<Descriptor> list = [] {
    const auto build = [](auto optimizer) -> std::shared_ptr<Optimizer> {
      return std::make_shared<decltype(optimizer)>(std::move(optimizer));
    };
    const auto of = [&](std::string name, auto tag) {
      using Opt = typename decltype(tag)::type;
      return options::describe<std::shared_ptr<Optimizer>, typename Opt::Options, typename Opt::Rule>(
          std::move(name), [build](const typename Opt::Options& o) { return build(Opt(o)); });
    };
    return std::vector<Descriptor>{of("sgd", std::type_identity<SGD>{}), of("adam", std::type_identity<Adam>{}),
                                   of("rmsprop", std::type_identity<RMSprop>{}),
                                   of("adagrad", std::type_identity<Adagrad>{})};
  }();
  return list;
}

std::shared_ptr<Optimizer> get(const std::string& identifier) {
  std::string id, known;
  for (char c : identifier) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& d : all()) {
    if (d.name == id) return d.make({});
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw Error(fmt::format("Could not interpret optimizer identifier: '{}' (known: {})", identifier, known));
}

}  // namespace duet::keras::optimizers
