/// @file
/// torch.optim.Adagrad with PyTorch's rule (torch/optim/adagrad.py) and defaults.
#pragma once

#include <concepts>
#include <utility>
#include <vector>

#include "duet/core/optim.h"
#include "duet/torch/optim/option_builder.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

/// AdagradOptions' values as a plain aggregate, for designated initialisers: `{.lr = 0.01f}`.
struct AdagradFields {
  float lr = 1e-2f;
  float lr_decay = 0.0f;
  float weight_decay = 0.0f;
  float initial_accumulator_value = 0.0f;
  float eps = 1e-10f;
  static std::vector<Field<AdagradFields>> fields() {
    return {{"lr", {Meaning::learning_rate}, &AdagradFields::lr, Show::always, "step size"},
            {"lr_decay", {Meaning::lr_decay}, &AdagradFields::lr_decay, Show::when_changed, "lr / (1 + (t - 1) lr_decay)"},
            {"weight_decay", {Meaning::weight_decay}, &AdagradFields::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"initial_accumulator_value", {Meaning::initial_accumulator}, &AdagradFields::initial_accumulator_value, Show::always, "starting sum of squares"},
            {"eps", {Meaning::epsilon}, &AdagradFields::eps, Show::always, "outside the root: sqrt(s) + eps"}};
  }
};

/// libtorch's builder (torch/optim/adagrad.h): `AdagradOptions` with chainable setters over the
/// fields of `AdagradFields`, which an optimiser also takes directly (`{.lr = 0.01f}`).
struct AdagradOptions : AdagradFields {
  /* implicit */ AdagradOptions(double lr = 1e-2) { AdagradFields::lr = static_cast<float>(lr); }
  /* implicit */ AdagradOptions(const AdagradFields& fields) : AdagradFields(fields) {}
  DUET_TORCH_OPTIMIZER_ARG(AdagradFields, double, lr)
  DUET_TORCH_OPTIMIZER_ARG(AdagradFields, double, lr_decay)
  DUET_TORCH_OPTIMIZER_ARG(AdagradFields, double, weight_decay)
  DUET_TORCH_OPTIMIZER_ARG(AdagradFields, double, initial_accumulator_value)
  DUET_TORCH_OPTIMIZER_ARG(AdagradFields, double, eps)
  /// The learning rate, as libtorch's OptimizerOptions::get_lr() / set_lr().
  double get_lr() const noexcept { return lr(); }
  void set_lr(double value) { lr(value); }
};

struct AdagradRule {
  static constexpr const char* kName = "Adagrad";
  static void validate(const AdagradFields& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const AdagradFields& o,
                     duet::optim::AdagradState& s);
};

class Adagrad : public GroupedOptimizer<AdagradFields, duet::optim::AdagradState, AdagradRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
  /// libtorch's forms, `Adagrad(params, AdagradOptions(0.01))` with any setters chained, and
  /// `Adagrad(params, 0.01)`. A template, so that an empty brace list still means the plain fields.
  template <typename Builder>
    requires std::convertible_to<Builder, AdagradOptions>
  Adagrad(std::vector<Tensor> params, const Builder& options)
      : GroupedOptimizer(std::move(params), static_cast<const AdagradFields&>(AdagradOptions(options))) {}
};

}  // namespace duet::torch::optim
