/// @file
/// Keras optimisers with Keras 3 / tf.keras update rules and defaults (keras/src/optimizers/).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "duet/core/optim.h"
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
template <typename Options, typename State, typename Rule>
class RuleOptimizer : public Optimizer {
 public:
  explicit RuleOptimizer(Options options = {}) : options_(options) { Rule::validate(options_); }
  void apply_gradients(const std::vector<Tensor>& variables) override {
    for (const auto& v : variables) {
      if (!v.grad().defined()) continue;
      Tensor var = v;
      Rule::update(var.mutable_data(), v.grad().data(), options_, state_[v.impl_ptr().get()]);
    }
  }
  std::string name() const override { return Rule::kName; }
  float learning_rate() const override { return options_.learning_rate; }
  void set_learning_rate(float lr) override { options_.learning_rate = lr; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::unordered_map<const void*, State> state_;
};

struct SGDOptions {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;
};

struct AdamOptions {
  float learning_rate = 0.001f;
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;
  float epsilon = 1e-7f;  ///< added to sqrt(v) before bias correction ("epsilon hat")
  bool amsgrad = false;
};

struct RMSpropOptions {
  float learning_rate = 0.001f;
  float rho = 0.9f;
  float momentum = 0.0f;
  float epsilon = 1e-7f;  ///< inside the root: sqrt(v + epsilon)
  bool centered = false;
};

struct AdagradOptions {
  float learning_rate = 0.001f;
  float initial_accumulator_value = 0.1f;
  float epsilon = 1e-7f;  ///< inside the root
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

/// "sgd", "adam", "rmsprop", "adagrad" with Keras' defaults.
std::shared_ptr<Optimizer> get(const std::string& identifier);

}  // namespace duet::keras::optimizers
