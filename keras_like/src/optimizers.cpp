#include "duet/keras/optimizers.h"

#include <fmt/format.h>

#include "duet/core/clipping.h"
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
template <typename O>
void check_base(const O& o, const char* name) {
  detail::check_base_options(name, o.weight_decay, o.clipnorm, o.global_clipnorm, o.clipvalue);
}
}  // namespace

namespace detail {

void check_base_options(const char* optimizer, float weight_decay, float clipnorm, float global_clipnorm,
                        float clipvalue) {
  const std::pair<const char*, float> values[] = {
      {"weight_decay", weight_decay}, {"clipnorm", clipnorm}, {"global_clipnorm", global_clipnorm}, {"clipvalue", clipvalue}};
  for (const auto& [key, value] : values) {
    if (!(value >= 0)) throw Error(fmt::format("{}: `{}` must not be negative. Received: {}={:g}", optimizer, key, key, value));
  }
  // keras/src/optimizers/base_optimizer.py __init__.
  if ((clipnorm > 0) + (global_clipnorm > 0) + (clipvalue > 0) > 1) {
    throw Error(fmt::format("{}: Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                            "clipnorm={:g}, clipvalue={:g}, global_clipnorm={:g}",
                            optimizer, clipnorm, clipvalue, global_clipnorm));
  }
}

void clip_gradients(std::vector<Tensor::Array>& grads, float clipnorm, float global_clipnorm, float clipvalue) {
  if (clipnorm > 0) {
    for (auto& g : grads) duet::optim::clip_by_norm(g, clipnorm);  // each variable on its own
  } else if (global_clipnorm > 0) {
    std::vector<Tensor::Array*> all;
    for (auto& g : grads) all.push_back(&g);
    duet::optim::clip_by_global_norm(all, global_clipnorm, duet::optim::GlobalNormForm::keras_exact);
  } else if (clipvalue > 0) {
    for (auto& g : grads) duet::optim::clip_by_value(g, clipvalue);
  }
}

void apply_weight_decay(Tensor::Array& variable, float learning_rate, float weight_decay) {
  duet::optim::decoupled_weight_decay(variable, learning_rate, weight_decay, duet::optim::DecoupledDecayForm::subtract);
}

}  // namespace detail

void SGDRule::validate(const SGDOptions& o) {
  require_learning_rate(o.learning_rate, kName);
  check_base(o, kName);
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
  check_base(o, kName);
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

void AdamWRule::validate(const AdamWOptions& o) {
  AdamRule::validate({.learning_rate = o.learning_rate, .beta_1 = o.beta_1, .beta_2 = o.beta_2, .epsilon = o.epsilon});
  check_base(o, kName);
}

void AdamWRule::update(Tensor::Array& v, const Tensor::Array& g, const AdamWOptions& o, duet::optim::AdamState& s) {
  // The decay itself ran before this step, in RuleOptimizer::apply_gradients (base_optimizer.py).
  AdamRule::update(v, g, {.learning_rate = o.learning_rate, .beta_1 = o.beta_1, .beta_2 = o.beta_2,
                          .epsilon = o.epsilon, .amsgrad = o.amsgrad}, s);
}

void RMSpropRule::validate(const RMSpropOptions& o) {
  require_learning_rate(o.learning_rate, kName);
  check_base(o, kName);
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
  check_base(o, kName);
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
      return options::describe<std::shared_ptr<Optimizer>, typename Opt::Options, typename Opt::Rule,
                               schedules::ScheduleRef>(
          std::move(name), [build](const typename Opt::Options& o, schedules::ScheduleRef schedule) {
            return schedule ? build(Opt(std::move(schedule), o)) : build(Opt(o));
          });
    };
    return std::vector<Descriptor>{of("sgd", std::type_identity<SGD>{}), of("adam", std::type_identity<Adam>{}),
                                   of("adamw", std::type_identity<AdamW>{}),
                                   of("rmsprop", std::type_identity<RMSprop>{}),
                                   of("adagrad", std::type_identity<Adagrad>{})};
  }();
  return list;
}

std::shared_ptr<Optimizer> get(const std::string& identifier) {
  std::string id, known;
  for (char c : identifier) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& d : all()) {
    if (d.name == id) return d.make({}, nullptr);
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw Error(fmt::format("Could not interpret optimizer identifier: '{}' (known: {})", identifier, known));
}

}  // namespace duet::keras::optimizers
