/// @file
/// torch.optim.RMSprop with PyTorch's rule (torch/optim/rmsprop.py) and defaults.
#pragma once

#include <concepts>
#include <utility>
#include <vector>

#include "duet/core/optim.h"
#include "duet/torch/optim/option_builder.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

/// RMSpropOptions' values as a plain aggregate, for designated initialisers: `{.lr = 0.01f}`.
struct RMSpropFields {
  float lr = 1e-2f;
  float alpha = 0.99f;
  float eps = 1e-8f;  ///< outside the root: sqrt(v) + eps
  float weight_decay = 0.0f;
  float momentum = 0.0f;
  bool centered = false;
  static std::vector<Field<RMSpropFields>> fields() {
    return {{"lr", {Meaning::learning_rate}, &RMSpropFields::lr, Show::always, "step size"},
            {"alpha", {Meaning::rho}, &RMSpropFields::alpha, Show::always, "square-average decay"},
            {"eps", {Meaning::epsilon}, &RMSpropFields::eps, Show::always, "outside the root: sqrt(v) + eps"},
            {"weight_decay", {Meaning::weight_decay}, &RMSpropFields::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"momentum", {Meaning::momentum}, &RMSpropFields::momentum, Show::always, "momentum factor"},
            {"centered", {Meaning::centered}, &RMSpropFields::centered, Show::when_changed, "divide by the variance"}};
  }
};

/// libtorch's builder (torch/optim/rmsprop.h): `RMSpropOptions` with chainable setters over the
/// fields of `RMSpropFields`, which an optimiser also takes directly (`{.lr = 0.01f}`).
struct RMSpropOptions : RMSpropFields {
  /* implicit */ RMSpropOptions(double lr = 1e-2) { RMSpropFields::lr = static_cast<float>(lr); }
  /* implicit */ RMSpropOptions(const RMSpropFields& fields) : RMSpropFields(fields) {}
  DUET_TORCH_OPTIMIZER_ARG(RMSpropFields, double, lr)
  DUET_TORCH_OPTIMIZER_ARG(RMSpropFields, double, alpha)
  DUET_TORCH_OPTIMIZER_ARG(RMSpropFields, double, eps)
  DUET_TORCH_OPTIMIZER_ARG(RMSpropFields, double, weight_decay)
  DUET_TORCH_OPTIMIZER_ARG(RMSpropFields, double, momentum)
  DUET_TORCH_OPTIMIZER_ARG(RMSpropFields, bool, centered)
  /// The learning rate, as libtorch's OptimizerOptions::get_lr() / set_lr().
  double get_lr() const noexcept { return lr(); }
  void set_lr(double value) { lr(value); }
};

struct RMSpropRule {
  static constexpr const char* kName = "RMSprop";
  static void validate(const RMSpropFields& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const RMSpropFields& o,
                     duet::optim::RmspropState& s);
};

class RMSprop : public GroupedOptimizer<RMSpropFields, duet::optim::RmspropState, RMSpropRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
  /// libtorch's forms, `RMSprop(params, RMSpropOptions(0.01))` with any setters chained, and
  /// `RMSprop(params, 0.01)`. A template, so that an empty brace list still means the plain fields.
  template <typename Builder>
    requires std::convertible_to<Builder, RMSpropOptions>
  RMSprop(std::vector<Tensor> params, const Builder& options)
      : GroupedOptimizer(std::move(params), static_cast<const RMSpropFields&>(RMSpropOptions(options))) {}
};

}  // namespace duet::torch::optim
