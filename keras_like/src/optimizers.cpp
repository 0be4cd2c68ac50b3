#include "duet/keras/optimizers.h"

#include <fmt/format.h>

#include "duet/core/clipping.h"
#include "duet/core/error.h"

#include <algorithm>
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

void require_known_variables(const char* optimizer, const std::vector<Tensor>& known, const std::vector<Tensor>& variables) {
  // fit passes the very list the optimiser was built on: compare handles before searching.
  bool same = known.size() == variables.size();
  for (std::size_t i = 0; same && i < known.size(); ++i) same = known[i].impl_ptr() == variables[i].impl_ptr();
  if (same) return;
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (!variables[i].impl().grad) continue;
    const bool found = std::any_of(known.begin(), known.end(),
                                   [&](const Tensor& k) { return k.impl_ptr() == variables[i].impl_ptr(); });
    if (!found) {
      // keras/src/optimizers/base_optimizer.py _check_variables_are_known.
      throw Error(fmt::format("{}: Unknown variable: variable {} of shape {}. This optimizer can only be called for "
                              "the variables it was originally built with. When working with a new set of variables, "
                              "you should recreate a new optimizer instance.",
                              optimizer, i, variables[i].shape().str()));
    }
  }
}

void check_state(const char* optimizer, bool built, std::int64_t iterations, const std::vector<Slot>& slots,
                 const std::vector<Tensor>& values) {
  if (!built) {
    throw Error(fmt::format("{}: the optimizer is not built yet: call build(variables) before assigning its state",
                            optimizer));
  }
  if (iterations < 0) throw Error(fmt::format("{}: the iteration count must not be negative. Received: {}", optimizer, iterations));
  if (values.size() != slots.size()) {
    throw Error(fmt::format("{}: {} slot values given for an optimizer with {} slots", optimizer, values.size(),
                            slots.size()));
  }
  for (std::size_t k = 0; k < slots.size(); ++k) {
    if (!(values[k].shape() == slots[k].value.shape())) {
      throw Error(fmt::format("{}: slot {} ({} of variable {}) has shape {}; {} given", optimizer, k, slots[k].kind,
                              slots[k].variable, slots[k].value.shape().str(), values[k].shape().str()));
    }
  }
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

// keras/src/optimizers/sgd.py build: a momentum per variable, only when momentum != 0.
SlotLayout<duet::optim::SgdState> SGDRule::slot_layout(const SGDOptions& o) {
  if (o.momentum == 0.0f) return {};
  return {{{"momentum", &duet::optim::SgdState::buffer, 0.0f}}};
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

// keras/src/optimizers/adam.py build: add_optimizer_variables(var_list, ["momentum", "velocity"])
// interleaves them (w0's momentum, w0's velocity, w1's momentum, ...), then one velocity_hat per
// variable with amsgrad.
SlotLayout<duet::optim::AdamState> AdamRule::slot_layout(const AdamOptions& o) {
  SlotLayout<duet::optim::AdamState> layout{
      {{"momentum", &duet::optim::AdamState::m, 0.0f}, {"velocity", &duet::optim::AdamState::v, 0.0f}}};
  if (o.amsgrad) layout.push_back({{"velocity_hat", &duet::optim::AdamState::v_max, 0.0f}});
  return layout;
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

// keras/src/optimizers/adamw.py: an Adam subclass with Adam's build.
SlotLayout<duet::optim::AdamState> AdamWRule::slot_layout(const AdamWOptions& o) {
  return AdamRule::slot_layout({.amsgrad = o.amsgrad});
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

// keras/src/optimizers/rmsprop.py build: three separate add_optimizer_variables calls, so all
// velocities, then all momentums (momentum > 0), then all average gradients (centered).
SlotLayout<duet::optim::RmspropState> RMSpropRule::slot_layout(const RMSpropOptions& o) {
  SlotLayout<duet::optim::RmspropState> layout{{{"velocity", &duet::optim::RmspropState::square_avg, 0.0f}}};
  if (o.momentum > 0.0f) layout.push_back({{"momentum", &duet::optim::RmspropState::momentum, 0.0f}});
  if (o.centered) layout.push_back({{"average_gradient", &duet::optim::RmspropState::grad_avg, 0.0f}});
  return layout;
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

// keras/src/optimizers/adagrad.py build: an accumulator per variable, initialised to
// initial_accumulator_value (initializers.Constant).
SlotLayout<duet::optim::AdagradState> AdagradRule::slot_layout(const AdagradOptions& o) {
  return {{{"accumulator", &duet::optim::AdagradState::sum, o.initial_accumulator_value}}};
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
