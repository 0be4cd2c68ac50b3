/// @file
/// Keras optimisers with Keras 3 update rules and defaults (keras/src/optimizers/). Every optimiser
/// also takes Keras 3's base options (keras/src/optimizers/base_optimizer.py): a decoupled
/// `weight_decay`, and at most one of `clipnorm`, `global_clipnorm`, `clipvalue`; its learning
/// rate may be a schedule (schedules.h) evaluated at every step.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "duet/core/error.h"
#include "duet/core/optim.h"
#include "duet/core/option_fields.h"
#include "duet/core/optimizer_loop.h"
#include "duet/core/tensor.h"
#include "duet/keras/schedules.h"

namespace duet::keras::optimizers {

/// One of an optimiser's per-variable variables (Keras' `add_variable_from_reference`: a
/// momentum, a velocity, an accumulator ...), as `variables()` lists them after the iteration
/// count and the learning rate.
struct Slot {
  std::string kind;      ///< Keras' name for it: "momentum", "velocity", "velocity_hat", ...
  std::size_t variable;  ///< which of built_variables() it belongs to
  Tensor value;          ///< a copy, shaped like that variable
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// Applies one update to each variable from its gradient (Keras' apply_gradients);
  /// variables without a gradient are skipped. The first call builds the optimiser on
  /// `variables`; later calls may only pass variables it was built on (Keras' rule).
  virtual void apply_gradients(const std::vector<Tensor>& variables) = 0;
  virtual std::string name() const = 0;
  /// The learning rate of the next update: the schedule's value at iterations(), or the fixed rate.
  virtual float learning_rate() const = 0;
  /// Sets a fixed learning rate; an optimiser made with a schedule refuses, as Keras does.
  virtual void set_learning_rate(float lr) = 0;
  /// Whether the learning rate is a schedule (Keras then has no `learning_rate` variable).
  virtual bool has_schedule() const = 0;
  /// Updates applied so far (Keras' `optimizer.iterations`, the step a schedule is evaluated at).
  std::int64_t iterations() const { return iterations_; }

  /// Keras' `optimizer.build(var_list)`: creates every slot of every variable with Keras'
  /// initial value (zeros; Adagrad's initial_accumulator_value), in Keras' order. fit's first
  /// update does it; call it yourself (`model.optimizer().build(model.trainable_weights())`)
  /// before load_weights to restore a saved optimizer into a model that has not trained yet.
  /// Does nothing once built.
  virtual void build(const std::vector<Tensor>& variables) = 0;
  bool built() const { return built_; }
  /// The variables the optimiser was built on, in order (empty until built).
  const std::vector<Tensor>& built_variables() const { return built_variables_; }
  /// The slots in Keras 3's order of `optimizer.variables` (after `iteration` and
  /// `learning_rate`; docs/file-format.md lists it per optimiser), as copies; empty until built.
  virtual std::vector<Slot> slots() const = 0;
  /// Keras' `load_own_variables`: sets the iteration count and every slot's values (in slots()
  /// order). Throws duet::Error, changing nothing, unless the optimiser is built and `values`
  /// fit slots() in number and size, and `iterations` is not negative.
  virtual void assign_state(std::int64_t iterations, const std::vector<Tensor>& values) = 0;

 protected:
  /// Counted up after each apply_gradients, as Keras 3 does after its update step.
  std::int64_t iterations_ = 0;
  bool built_ = false;
  std::vector<Tensor> built_variables_;
};

/// Where a slot kind lives in an update rule's per-variable state, and its initial value.
template <typename State>
struct SlotField {
  const char* kind;
  Tensor::Array State::*values;
  float initial;
};
/// Keras' build order of an optimiser's slots: one group per `add_optimizer_variables` call;
/// inside a group the kinds alternate per variable (for w0: momentum, velocity; for w1: ...).
template <typename State>
using SlotLayout = std::vector<std::vector<SlotField<State>>>;

namespace detail {
/// Keras 3's checks of the base options: none negative, at most one clipping option.
void check_base_options(const char* optimizer, float weight_decay, float clipnorm, float global_clipnorm,
                        float clipvalue);
/// Keras 3's `_clip_gradients`: clipnorm per variable, else global_clipnorm, else clipvalue.
void clip_gradients(std::vector<Tensor::Array>& grads, float clipnorm, float global_clipnorm, float clipvalue);
/// Keras 3's `_apply_weight_decay`: v -= v * wd * lr for every variable (none excluded by default).
void apply_weight_decay(Tensor::Array& variable, float learning_rate, float weight_decay);
/// Keras' `_check_variables_are_known`: throws unless every variable with a gradient is one of
/// `known` (compared by identity).
void require_known_variables(const char* optimizer, const std::vector<Tensor>& known, const std::vector<Tensor>& variables);
/// The checks of assign_state: built, `values` fit `slots` in number and size, `iterations` >= 0.
void check_state(const char* optimizer, bool built, std::int64_t iterations, const std::vector<Slot>& slots,
                 const std::vector<Tensor>& values);
}  // namespace detail

/// Options and one core rule make an optimiser; state is per variable, created on first use.
template <typename OptionsT, typename State, typename RuleT>
class RuleOptimizer : public Optimizer {
 public:
  using Options = OptionsT;
  using Rule = RuleT;
  explicit RuleOptimizer(Options options = {}) : options_(options) { Rule::validate(options_); }
  /// The positional form, as Keras' `SGD(0.1)`: a learning rate and every other default.
  explicit RuleOptimizer(float learning_rate) : RuleOptimizer(Options{.learning_rate = learning_rate}) {}
  /// A schedule as the learning rate, as Keras' `SGD(learning_rate=ExponentialDecay(...))`;
  /// `options.learning_rate` is then unused.
  explicit RuleOptimizer(schedules::ScheduleRef schedule, Options options = {})
      : RuleOptimizer(options) {
    if (!schedule) throw Error(std::string(Rule::kName) + ": the learning-rate schedule is null");
    schedule_ = std::move(schedule);
  }
  /// The same from a schedule object.
  template <typename S>
    requires std::is_base_of_v<schedules::LearningRateSchedule, S>
  explicit RuleOptimizer(S schedule, Options options = {})
      : RuleOptimizer(schedules::ScheduleRef(std::make_shared<S>(std::move(schedule))), options) {}

  /// keras/src/optimizers/base_optimizer.py `apply`: skip variables without a gradient, clip
  /// the gradients, decay the variables with this step's learning rate, then the update rule,
  /// then count the step.
  void apply_gradients(const std::vector<Tensor>& variables) override {
    if (!built_) build(variables);
    detail::require_known_variables(Rule::kName, built_variables_, variables);
    // Clipping works on copies of the gradients (a global norm spans them all); without it each
    // gradient is read where it is: a small model's step would otherwise spend more on copying
    // the gradients than on the update.
    const bool clipping = options_.clipnorm > 0 || options_.global_clipnorm > 0 || options_.clipvalue > 0;
    std::vector<Tensor::Array> clipped;
    if (clipping) {
      for (const auto& v : variables)
        if (v.impl().grad) clipped.push_back(v.impl().grad->data);
      detail::clip_gradients(clipped, options_.clipnorm, options_.global_clipnorm, options_.clipvalue);
    }
    Options step = options_;
    step.learning_rate = learning_rate();
    std::size_t i = 0;
    states_.rewind();
    for (const auto& v : variables) {
      auto& impl = v.impl();
      if (!impl.grad) continue;
      State& state = states_.next_of(v);
      const Tensor::Array& grad = clipping ? clipped[i++] : impl.grad->data;
      Tensor::Array& values = impl.data;
      // Keras' bias corrections count optimizer.iterations (adam.py: local_step = iterations + 1),
      // one counter for every variable, so a restored iteration count restores them too.
      if constexpr (requires { &State::step; }) state.step = iterations_;
      detail::apply_weight_decay(values, step.learning_rate, options_.weight_decay);
      Rule::update(values, grad, step, state);
    }
    ++iterations_;
  }
  std::string name() const override { return Rule::kName; }
  float learning_rate() const override { return schedule_ ? (*schedule_)(iterations_) : options_.learning_rate; }
  void set_learning_rate(float lr) override {
    if (schedule_) {
      throw Error(fmt::format("{}: This optimizer was created with a `LearningRateSchedule` object as its "
                              "`learning_rate` constructor argument, hence its learning rate is not settable.",
                              Rule::kName));
    }
    options_.learning_rate = lr;
  }
  bool has_schedule() const override { return static_cast<bool>(schedule_); }
  const Options& options() const { return options_; }
  /// The schedule, or null for a fixed learning rate.
  const schedules::ScheduleRef& schedule() const { return schedule_; }

  void build(const std::vector<Tensor>& variables) override {
    if (built_) return;
    for (const auto& group : Rule::slot_layout(options_)) {
      for (const auto& v : variables) {
        for (const auto& field : group) states_.of(v).*field.values = Tensor::Array::Constant(v.numel(), field.initial);
      }
    }
    built_variables_ = variables;
    built_ = true;
  }
  std::vector<Slot> slots() const override {
    std::vector<Slot> out;
    for_each_slot([&](const SlotField<State>& field, std::size_t i, const State& state) {
      out.push_back({field.kind, i, Tensor::from_array(built_variables_[i].shape(), Tensor::Array(state.*field.values))});
    });
    return out;
  }
  void assign_state(std::int64_t iterations, const std::vector<Tensor>& values) override {
    detail::check_state(Rule::kName, built_, iterations, slots(), values);
    std::size_t k = 0;
    for_each_slot([&](const SlotField<State>& field, std::size_t, State& state) { state.*field.values = values[k++].data(); });
    iterations_ = iterations;
  }

 private:
  /// Calls f(field, variable index, state) for every slot in Keras' order (the groups of
  /// Rule::slot_layout; within a group, per variable, per kind).
  template <typename F>
  void for_each_slot(F&& f) const {
    for (const auto& group : Rule::slot_layout(options_)) {
      for (std::size_t i = 0; i < built_variables_.size(); ++i) {
        for (const auto& field : group) f(field, i, states_.of(built_variables_[i]));
      }
    }
  }

  Options options_;
  schedules::ScheduleRef schedule_;
  /// Mutable: the table creates a state on first lookup; every built variable already has one.
  mutable duet::optim::StateTable<State> states_;
};

using options::Field;
using options::Meaning;
using options::Show;

/// Keras 3's base options, the same on every optimiser (0 = None, off), appended to each
/// options struct's own fields.
template <typename O>
std::vector<Field<O>> base_fields() {
  return {{"weight_decay", {Meaning::decoupled_weight_decay}, &O::weight_decay, Show::when_changed,
           "decoupled: v -= v * wd * lr before the update; 0: None"},
          {"clipnorm", {Meaning::clipnorm}, &O::clipnorm, Show::when_changed, "limit on each gradient's L2 norm; 0: None"},
          {"global_clipnorm", {Meaning::global_clipnorm}, &O::global_clipnorm, Show::when_changed,
           "limit on the L2 norm of all gradients together; 0: None"},
          {"clipvalue", {Meaning::clipvalue}, &O::clipvalue, Show::when_changed, "limit on each gradient value; 0: None"}};
}
/// `own` followed by the base fields.
template <typename O>
std::vector<Field<O>> with_base_fields(std::vector<Field<O>> own) {
  for (auto& f : base_fields<O>()) own.push_back(std::move(f));
  return own;
}

// Each options struct lists its fields once, beside the defaults, in the order of Keras'
// constructor signature; the comparator, reports and docs read them from here.

struct SGDOptions {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;
  float weight_decay = 0.0f;     ///< decoupled (Keras 3); 0 = None
  float clipnorm = 0.0f;         ///< 0 = None
  float global_clipnorm = 0.0f;  ///< 0 = None
  float clipvalue = 0.0f;        ///< 0 = None
  static std::vector<Field<SGDOptions>> fields() {
    return with_base_fields<SGDOptions>({{"learning_rate", {Meaning::learning_rate}, &SGDOptions::learning_rate, Show::always, "step size"},
            {"momentum", {Meaning::momentum}, &SGDOptions::momentum, Show::always, "velocity decay, in [0, 1]"},
            {"nesterov", {Meaning::nesterov}, &SGDOptions::nesterov, Show::when_changed, "Nesterov momentum"}});
  }
};

struct AdamOptions {
  float learning_rate = 0.001f;
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;
  float epsilon = 1e-7f;  ///< added to sqrt(v) before bias correction ("epsilon hat")
  bool amsgrad = false;
  float weight_decay = 0.0f;     ///< decoupled (Keras 3); 0 = None
  float clipnorm = 0.0f;         ///< 0 = None
  float global_clipnorm = 0.0f;  ///< 0 = None
  float clipvalue = 0.0f;        ///< 0 = None
  static std::vector<Field<AdamOptions>> fields() {
    return with_base_fields<AdamOptions>({{"learning_rate", {Meaning::learning_rate}, &AdamOptions::learning_rate, Show::always, "step size"},
            {"beta_1", {Meaning::beta1}, &AdamOptions::beta_1, Show::always, "first-moment decay"},
            {"beta_2", {Meaning::beta2}, &AdamOptions::beta_2, Show::always, "second-moment decay"},
            {"epsilon", {Meaning::epsilon}, &AdamOptions::epsilon, Show::always, "added to sqrt(v) before bias correction"},
            {"amsgrad", {Meaning::amsgrad}, &AdamOptions::amsgrad, Show::when_changed, "use the maximum of v"}});
  }
};

struct RMSpropOptions {
  float learning_rate = 0.001f;
  float rho = 0.9f;
  float momentum = 0.0f;
  float epsilon = 1e-7f;  ///< inside the root: sqrt(v + epsilon)
  bool centered = false;
  float weight_decay = 0.0f;     ///< decoupled (Keras 3); 0 = None
  float clipnorm = 0.0f;         ///< 0 = None
  float global_clipnorm = 0.0f;  ///< 0 = None
  float clipvalue = 0.0f;        ///< 0 = None
  static std::vector<Field<RMSpropOptions>> fields() {
    return with_base_fields<RMSpropOptions>({{"learning_rate", {Meaning::learning_rate}, &RMSpropOptions::learning_rate, Show::always, "step size"},
            {"rho", {Meaning::rho}, &RMSpropOptions::rho, Show::always, "square-average decay"},
            {"momentum", {Meaning::momentum}, &RMSpropOptions::momentum, Show::always, "momentum, in [0, 1]"},
            {"epsilon", {Meaning::epsilon}, &RMSpropOptions::epsilon, Show::always, "inside the root: sqrt(v + epsilon)"},
            {"centered", {Meaning::centered}, &RMSpropOptions::centered, Show::when_changed, "divide by the variance"}});
  }
};

struct AdagradOptions {
  float learning_rate = 0.001f;
  float initial_accumulator_value = 0.1f;
  float epsilon = 1e-7f;  ///< inside the root
  float weight_decay = 0.0f;     ///< decoupled (Keras 3); 0 = None
  float clipnorm = 0.0f;         ///< 0 = None
  float global_clipnorm = 0.0f;  ///< 0 = None
  float clipvalue = 0.0f;        ///< 0 = None
  static std::vector<Field<AdagradOptions>> fields() {
    return with_base_fields<AdagradOptions>({{"learning_rate", {Meaning::learning_rate}, &AdagradOptions::learning_rate, Show::always, "step size"},
            {"initial_accumulator_value", {Meaning::initial_accumulator}, &AdagradOptions::initial_accumulator_value,
             Show::always, "starting sum of squares"},
            {"epsilon", {Meaning::epsilon}, &AdagradOptions::epsilon, Show::always, "inside the root: sqrt(s + epsilon)"}});
  }
};

/// Keras 3's AdamW (keras/src/optimizers/adamw.py): Adam whose base weight_decay defaults to 0.004
/// and must be given.
struct AdamWOptions {
  float learning_rate = 0.001f;
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;  ///< as Adam's
  float epsilon = 1e-7f;  ///< as Adam's: added to sqrt(v) before bias correction
  bool amsgrad = false;
  float weight_decay = 0.004f;   ///< decoupled: v -= v * wd * lr before the Adam step
  float clipnorm = 0.0f;         ///< 0 = None
  float global_clipnorm = 0.0f;  ///< 0 = None
  float clipvalue = 0.0f;        ///< 0 = None
  static std::vector<Field<AdamWOptions>> fields() {
    auto own = with_base_fields<AdamWOptions>(
        {{"learning_rate", {Meaning::learning_rate}, &AdamWOptions::learning_rate, Show::always, "step size"},
         {"beta_1", {Meaning::beta1}, &AdamWOptions::beta_1, Show::always, "first-moment decay"},
         {"beta_2", {Meaning::beta2}, &AdamWOptions::beta_2, Show::always, "second-moment decay"},
         {"epsilon", {Meaning::epsilon}, &AdamWOptions::epsilon, Show::always, "added to sqrt(v) before bias correction"},
         {"amsgrad", {Meaning::amsgrad}, &AdamWOptions::amsgrad, Show::when_changed, "use the maximum of v"}});
    own[5].show = Show::always;  // AdamW's weight_decay is the point of it
    return own;
  }
};

struct SGDRule {
  static constexpr const char* kName = "SGD";
  static void validate(const SGDOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const SGDOptions& o, duet::optim::SgdState& s);
  /// The slots Keras 3's `build` adds, in its order.
  static SlotLayout<duet::optim::SgdState> slot_layout(const SGDOptions& o);
};
struct AdamRule {
  static constexpr const char* kName = "Adam";
  static void validate(const AdamOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const AdamOptions& o, duet::optim::AdamState& s);
  /// The slots Keras 3's `build` adds, in its order.
  static SlotLayout<duet::optim::AdamState> slot_layout(const AdamOptions& o);
};
struct AdamWRule {
  static constexpr const char* kName = "AdamW";
  static void validate(const AdamWOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const AdamWOptions& o, duet::optim::AdamState& s);
  /// The slots Keras 3's `build` adds, in its order.
  static SlotLayout<duet::optim::AdamState> slot_layout(const AdamWOptions& o);
};
struct RMSpropRule {
  static constexpr const char* kName = "RMSprop";
  static void validate(const RMSpropOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const RMSpropOptions& o, duet::optim::RmspropState& s);
  /// The slots Keras 3's `build` adds, in its order.
  static SlotLayout<duet::optim::RmspropState> slot_layout(const RMSpropOptions& o);
};
struct AdagradRule {
  static constexpr const char* kName = "Adagrad";
  static void validate(const AdagradOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const AdagradOptions& o, duet::optim::AdagradState& s);
  /// The slots Keras 3's `build` adds, in its order.
  static SlotLayout<duet::optim::AdagradState> slot_layout(const AdagradOptions& o);
};

/// v = momentum v - lr g; w += v (nesterov: w += momentum v - lr g).
using SGD = RuleOptimizer<SGDOptions, duet::optim::SgdState, SGDRule>;
using Adam = RuleOptimizer<AdamOptions, duet::optim::AdamState, AdamRule>;
/// Adam after Keras 3's decoupled weight decay (0.004 by default).
using AdamW = RuleOptimizer<AdamWOptions, duet::optim::AdamState, AdamWRule>;
using RMSprop = RuleOptimizer<RMSpropOptions, duet::optim::RmspropState, RMSpropRule>;
using Adagrad = RuleOptimizer<AdagradOptions, duet::optim::AdagradState, AdagradRule>;

/// Every optimiser Keras-style Duet has, described once (name, fields, checks, factory): the
/// comparator's experiment parser, its reports and the docs table come from this list.
/// `make(given, schedule)` takes a learning-rate schedule, or null for the fixed `learning_rate`.
using Descriptor = options::OptimizerDescriptor<std::shared_ptr<Optimizer>, schedules::ScheduleRef>;
const std::vector<Descriptor>& all();

/// "sgd", "adam", "adamw", "rmsprop", "adagrad" with Keras' defaults (case-insensitive, as Keras).
std::shared_ptr<Optimizer> get(const std::string& identifier);

}  // namespace duet::keras::optimizers
