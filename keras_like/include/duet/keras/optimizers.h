/// @file
/// Keras optimisers with Keras 3 update rules and defaults (keras/src/optimizers/). Every optimiser
/// also takes Keras 3's base options (keras/src/optimizers/base_optimizer.py): a decoupled
/// `weight_decay`, and at most one of `clipnorm`, `global_clipnorm`, `clipvalue`; its learning
/// rate may be a schedule (schedules.h) evaluated at every step.
#pragma once

#include <fmt/format.h>

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

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// Applies one update to each variable from its gradient (Keras' apply_gradients);
  /// variables without a gradient are skipped.
  virtual void apply_gradients(const std::vector<Tensor>& variables) = 0;
  virtual std::string name() const = 0;
  /// The learning rate of the next update: the schedule's value at iterations(), or the fixed rate.
  virtual float learning_rate() const = 0;
  /// Sets a fixed learning rate; an optimiser made with a schedule refuses, as Keras does.
  virtual void set_learning_rate(float lr) = 0;
  /// Updates applied so far (Keras' `optimizer.iterations`, the step a schedule is evaluated at).
  std::int64_t iterations() const { return iterations_; }

 protected:
  /// Counted up after each apply_gradients, as Keras 3 does after its update step.
  std::int64_t iterations_ = 0;
};

namespace detail {
/// Keras 3's checks of the base options: none negative, at most one clipping option.
void check_base_options(const char* optimizer, float weight_decay, float clipnorm, float global_clipnorm,
                        float clipvalue);
/// Keras 3's `_clip_gradients`: clipnorm per variable, else global_clipnorm, else clipvalue.
void clip_gradients(std::vector<Tensor::Array>& grads, float clipnorm, float global_clipnorm, float clipvalue);
/// Keras 3's `_apply_weight_decay`: v -= v * wd * lr for every variable (none excluded by default).
void apply_weight_decay(Tensor::Array& variable, float learning_rate, float weight_decay);
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
    for (const auto& v : variables) {
      auto& impl = v.impl();
      if (!impl.grad) continue;
      const Tensor::Array& grad = clipping ? clipped[i++] : impl.grad->data;
      Tensor::Array& values = impl.data;
      detail::apply_weight_decay(values, step.learning_rate, options_.weight_decay);
      Rule::update(values, grad, step, states_.of(v));
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
  const Options& options() const { return options_; }
  /// The schedule, or null for a fixed learning rate.
  const schedules::ScheduleRef& schedule() const { return schedule_; }

 private:
  Options options_;
  schedules::ScheduleRef schedule_;
  duet::optim::StateTable<State> states_;
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
};
struct AdamRule {
  static constexpr const char* kName = "Adam";
  static void validate(const AdamOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const AdamOptions& o, duet::optim::AdamState& s);
};
struct AdamWRule {
  static constexpr const char* kName = "AdamW";
  static void validate(const AdamWOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const AdamWOptions& o, duet::optim::AdamState& s);
};
struct RMSpropRule {
  static constexpr const char* kName = "RMSprop";
  static void validate(const RMSpropOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const RMSpropOptions& o, duet::optim::RmspropState& s);
};
struct AdagradRule {
  static constexpr const char* kName = "Adagrad";
  static void validate(const AdagradOptions& o);
  static void update(Tensor::Array& v, const Tensor::Array& g, const AdagradOptions& o, duet::optim::AdagradState& s);
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
