/// @file
/// torch.optim.SGD with PyTorch's update rule (torch/optim/sgd.py) and defaults.
#pragma once

#include <concepts>
#include <utility>
#include <vector>

#include <limits>

#include "duet/core/optim.h"
#include "duet/torch/optim/option_builder.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

/// SGDOptions' values as a plain aggregate, for designated initialisers: `{.lr = 0.01f}`.
struct SGDFields {
  float lr = std::numeric_limits<float>::quiet_NaN();  ///< required, as in PyTorch
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
  static std::vector<Field<SGDFields>> fields() {
    return {{"lr", {Meaning::learning_rate}, &SGDFields::lr, Show::always, "step size"},
            {"momentum", {Meaning::momentum}, &SGDFields::momentum, Show::always, "momentum factor"},
            {"dampening", {Meaning::dampening}, &SGDFields::dampening, Show::always, "dampening for momentum"},
            {"weight_decay", {Meaning::weight_decay}, &SGDFields::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"nesterov", {Meaning::nesterov}, &SGDFields::nesterov, Show::when_changed, "Nesterov momentum"}};
  }
};

/// libtorch's builder (torch/optim/sgd.h; lr has no default): `SGDOptions` with chainable setters over the
/// fields of `SGDFields`, which an optimiser also takes directly (`{.lr = 0.01f}`).
struct SGDOptions : SGDFields {
  /* implicit */ SGDOptions(double lr) { SGDFields::lr = static_cast<float>(lr); }
  /* implicit */ SGDOptions(const SGDFields& fields) : SGDFields(fields) {}
  DUET_TORCH_OPTIMIZER_ARG(SGDFields, double, lr)
  DUET_TORCH_OPTIMIZER_ARG(SGDFields, double, momentum)
  DUET_TORCH_OPTIMIZER_ARG(SGDFields, double, dampening)
  DUET_TORCH_OPTIMIZER_ARG(SGDFields, double, weight_decay)
  DUET_TORCH_OPTIMIZER_ARG(SGDFields, bool, nesterov)
  /// The learning rate, as libtorch's OptimizerOptions::get_lr() / set_lr().
  double get_lr() const noexcept { return lr(); }
  void set_lr(double value) { lr(value); }
};
using SGDParamGroup = ParamGroup<SGDFields>;

struct SGDRule {
  static constexpr const char* kName = "SGD";
  static void validate(const SGDFields& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const SGDFields& o, duet::optim::SgdState& s);
};

class SGD : public GroupedOptimizer<SGDFields, duet::optim::SgdState, SGDRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
  /// libtorch's forms, `SGD(params, SGDOptions(0.01))` with any setters chained, and
  /// `SGD(params, 0.01)`. A template, so that an empty brace list still means the plain fields.
  template <typename Builder>
    requires std::convertible_to<Builder, SGDOptions>
  SGD(std::vector<Tensor> params, const Builder& options)
      : GroupedOptimizer(std::move(params), static_cast<const SGDFields&>(SGDOptions(options))) {}
};

}  // namespace duet::torch::optim
