/// @file
/// Keras optimisers with Keras 3 / tf.keras update rules and defaults (keras/src/optimizers/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duet/core/optim.h"
#include "duet/core/option_fields.h"
#include "duet/core/optimizer_loop.h"
#include "duet/core/tensor.h"

namespace duet::keras::optimizers {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// Applies one update to each variable from its gradient (Keras' apply_gradients);
  /// variables without a gradient are skipped.
  virtual void apply_gradients(const std::vector<Tensor>& variables) = 0;
  virtual std::string name() const = 0;
  virtual float learning_rate() const = 0;
  virtual void set_learning_rate(float lr) = 0;
};

/// Options and one core rule make an optimiser; state is per variable, created on first use.
template <typename OptionsT, typename State, typename RuleT>
class RuleOptimizer : public Optimizer {
 public:
  using Options = OptionsT;
  using Rule = RuleT;
  explicit RuleOptimizer(Options options = {}) : options_(options) { Rule::validate(options_); }
  /// The positional form, as Keras' `SGD(0.1)`: a learning rate and every other default.
  explicit RuleOptimizer(float learning_rate) : RuleOptimizer(Options{.learning_rate = learning_rate}) {}
  void apply_gradients(const std::vector<Tensor>& variables) override {
    duet::optim::update_each(variables, states_, [this](Tensor::Array& v, const Tensor::Array& g, State& s) {
      Rule::update(v, g, options_, s);
    });
  }
  std::string name() const override { return Rule::kName; }
  float learning_rate() const override { return options_.learning_rate; }
  void set_learning_rate(float lr) override { options_.learning_rate = lr; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  duet::optim::StateTable<State> states_;
};

using options::Field;
using options::Meaning;
using options::Show;

// Each options struct lists its fields once, beside the defaults, in the order of Keras'
// constructor signature; the comparator, reports and docs read them from here.

struct SGDOptions {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;
  static std::vector<Field<SGDOptions>> fields() {
    return {{"learning_rate", {Meaning::learning_rate}, &SGDOptions::learning_rate, Show::always, "step size"},
            {"momentum", {Meaning::momentum}, &SGDOptions::momentum, Show::always, "velocity decay, in [0, 1]"},
            {"nesterov", {Meaning::nesterov}, &SGDOptions::nesterov, Show::when_changed, "Nesterov momentum"}};
  }
};

struct AdamOptions {
  float learning_rate = 0.001f;
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;
  float epsilon = 1e-7f;  ///< added to sqrt(v) before bias correction ("epsilon hat")
  bool amsgrad = false;
  static std::vector<Field<AdamOptions>> fields() {
    return {{"learning_rate", {Meaning::learning_rate}, &AdamOptions::learning_rate, Show::always, "step size"},
            {"beta_1", {Meaning::beta1}, &AdamOptions::beta_1, Show::always, "first-moment decay"},
            {"beta_2", {Meaning::beta2}, &AdamOptions::beta_2, Show::always, "second-moment decay"},
            {"epsilon", {Meaning::epsilon}, &AdamOptions::epsilon, Show::always, "added to sqrt(v) before bias correction"},
            {"amsgrad", {Meaning::amsgrad}, &AdamOptions::amsgrad, Show::when_changed, "use the maximum of v"}};
  }
};

struct RMSpropOptions {
  float learning_rate = 0.001f;
  float rho = 0.9f;
  float momentum = 0.0f;
  float epsilon = 1e-7f;  ///< inside the root: sqrt(v + epsilon)
  bool centered = false;
  static std::vector<Field<RMSpropOptions>> fields() {
    return {{"learning_rate", {Meaning::learning_rate}, &RMSpropOptions::learning_rate, Show::always, "step size"},
            {"rho", {Meaning::rho}, &RMSpropOptions::rho, Show::always, "square-average decay"},
            {"momentum", {Meaning::momentum}, &RMSpropOptions::momentum, Show::always, "momentum, in [0, 1]"},
            {"epsilon", {Meaning::epsilon}, &RMSpropOptions::epsilon, Show::always, "inside the root: sqrt(v + epsilon)"},
            {"centered", {Meaning::centered}, &RMSpropOptions::centered, Show::when_changed, "divide by the variance"}};
  }
};

struct AdagradOptions {
  float learning_rate = 0.001f;
  float initial_accumulator_value = 0.1f;
  float epsilon = 1e-7f;  ///< inside the root
  static std::vector<Field<AdagradOptions>> fields() {
    return {{"learning_rate", {Meaning::learning_rate}, &AdagradOptions::learning_rate, Show::always, "step size"},
            {"initial_accumulator_value", {Meaning::initial_accumulator}, &AdagradOptions::initial_accumulator_value,
             Show::always, "starting sum of squares"},
            {"epsilon", {Meaning::epsilon}, &AdagradOptions::epsilon, Show::always, "inside the root: sqrt(s + epsilon)"}};
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
using RMSprop = RuleOptimizer<RMSpropOptions, duet::optim::RmspropState, RMSpropRule>;
using Adagrad = RuleOptimizer<AdagradOptions, duet::optim::AdagradState, AdagradRule>;

/// Every optimiser Keras-style Duet has, described once (name, fields, checks, factory): the
/// comparator's experiment parser, its reports and the docs table come from this list.
using Descriptor = options::OptimizerDescriptor<std::shared_ptr<Optimizer>>;
const std::vector<Descriptor>& all();

/// "sgd", "adam", "rmsprop", "adagrad" with Keras' defaults (case-insensitive, as Keras).
std::shared_ptr<Optimizer> get(const std::string& identifier);

}  // namespace duet::keras::optimizers
