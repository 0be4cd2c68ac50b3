/// @file
/// torch.optim.Adam and AdamW with PyTorch's rules (torch/optim/adam.py, adamw.py) and defaults.
#pragma once

#include <vector>

#include <concepts>
#include <utility>

#include "duet/core/optim.h"
#include "duet/torch/optim/option_builder.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

/// AdamOptions' values as a plain aggregate, for designated initialisers: `{.lr = 0.01f}`.
struct AdamFields {
  float lr = 1e-3f;
  std::pair<float, float> betas = {0.9f, 0.999f};
  float eps = 1e-8f;  ///< added after bias correction: sqrt(v_hat) + eps
  float weight_decay = 0.0f;  ///< L2, added to the gradient
  bool amsgrad = false;
  static std::vector<Field<AdamFields>> fields() {
    return {{"lr", {Meaning::learning_rate}, &AdamFields::lr, Show::always, "step size"},
            {"betas", {Meaning::beta1, Meaning::beta2}, &AdamFields::betas, Show::always, "moment decays"},
            {"eps", {Meaning::epsilon}, &AdamFields::eps, Show::always, "added to the bias-corrected sqrt(v)"},
            {"weight_decay", {Meaning::weight_decay}, &AdamFields::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"amsgrad", {Meaning::amsgrad}, &AdamFields::amsgrad, Show::when_changed, "use the maximum of v"}};
  }
};

/// libtorch's builder (torch/optim/adam.h): `AdamOptions` with chainable setters over the
/// fields of `AdamFields`, which an optimiser also takes directly (`{.lr = 0.01f}`).
struct AdamOptions : AdamFields {
  /* implicit */ AdamOptions(double lr = 1e-3) { AdamFields::lr = static_cast<float>(lr); }
  /* implicit */ AdamOptions(const AdamFields& fields) : AdamFields(fields) {}
  DUET_TORCH_OPTIMIZER_ARG(AdamFields, double, lr)
  DUET_TORCH_OPTIMIZER_BETAS(AdamFields)
  DUET_TORCH_OPTIMIZER_ARG(AdamFields, double, eps)
  DUET_TORCH_OPTIMIZER_ARG(AdamFields, double, weight_decay)
  DUET_TORCH_OPTIMIZER_ARG(AdamFields, bool, amsgrad)
  /// The learning rate, as libtorch's OptimizerOptions::get_lr() / set_lr().
  double get_lr() const noexcept { return lr(); }
  void set_lr(double value) { lr(value); }
};

/// AdamWOptions' values as a plain aggregate, for designated initialisers: `{.lr = 0.01f}`.
struct AdamWFields {
  float lr = 1e-3f;
  std::pair<float, float> betas = {0.9f, 0.999f};
  float eps = 1e-8f;
  float weight_decay = 1e-2f;  ///< decoupled: p *= 1 - lr * weight_decay
  bool amsgrad = false;
  static std::vector<Field<AdamWFields>> fields() {
    return {{"lr", {Meaning::learning_rate}, &AdamWFields::lr, Show::always, "step size"},
            {"betas", {Meaning::beta1, Meaning::beta2}, &AdamWFields::betas, Show::always, "moment decays"},
            {"eps", {Meaning::epsilon}, &AdamWFields::eps, Show::always, "added to the bias-corrected sqrt(v)"},
            {"weight_decay", {Meaning::decoupled_weight_decay}, &AdamWFields::weight_decay, Show::always, "decoupled: p *= 1 - lr wd"},
            {"amsgrad", {Meaning::amsgrad}, &AdamWFields::amsgrad, Show::when_changed, "use the maximum of v"}};
  }
};

/// libtorch's builder (torch/optim/adamw.h): `AdamWOptions` with chainable setters over the
/// fields of `AdamWFields`, which an optimiser also takes directly (`{.lr = 0.01f}`).
struct AdamWOptions : AdamWFields {
  /* implicit */ AdamWOptions(double lr = 1e-3) { AdamWFields::lr = static_cast<float>(lr); }
  /* implicit */ AdamWOptions(const AdamWFields& fields) : AdamWFields(fields) {}
  DUET_TORCH_OPTIMIZER_ARG(AdamWFields, double, lr)
  DUET_TORCH_OPTIMIZER_BETAS(AdamWFields)
  DUET_TORCH_OPTIMIZER_ARG(AdamWFields, double, eps)
  DUET_TORCH_OPTIMIZER_ARG(AdamWFields, double, weight_decay)
  DUET_TORCH_OPTIMIZER_ARG(AdamWFields, bool, amsgrad)
  /// The learning rate, as libtorch's OptimizerOptions::get_lr() / set_lr().
  double get_lr() const noexcept { return lr(); }
  void set_lr(double value) { lr(value); }
};

struct AdamRule {
  static constexpr const char* kName = "Adam";
  static void validate(const AdamFields& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const AdamFields& o, duet::optim::AdamState& s);
};

struct AdamWRule {
  static constexpr const char* kName = "AdamW";
  static void validate(const AdamWFields& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const AdamWFields& o, duet::optim::AdamState& s);
};

class Adam : public GroupedOptimizer<AdamFields, duet::optim::AdamState, AdamRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
  /// libtorch's forms, `Adam(params, AdamOptions(0.01))` with any setters chained, and
  /// `Adam(params, 0.01)`. A template, so that an empty brace list still means the plain fields.
  template <typename Builder>
    requires std::convertible_to<Builder, AdamOptions>
  Adam(std::vector<Tensor> params, const Builder& options)
      : GroupedOptimizer(std::move(params), static_cast<const AdamFields&>(AdamOptions(options))) {}
};

class AdamW : public GroupedOptimizer<AdamWFields, duet::optim::AdamState, AdamWRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
  /// libtorch's forms, `AdamW(params, AdamWOptions(0.01))` with any setters chained, and
  /// `AdamW(params, 0.01)`. A template, so that an empty brace list still means the plain fields.
  template <typename Builder>
    requires std::convertible_to<Builder, AdamWOptions>
  AdamW(std::vector<Tensor> params, const Builder& options)
      : GroupedOptimizer(std::move(params), static_cast<const AdamWFields&>(AdamWOptions(options))) {}
};

}  // namespace duet::torch::optim
