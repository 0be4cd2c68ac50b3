/// @file
/// torch.optim.SGD with PyTorch's update rule (torch/optim/sgd.py) and defaults.
#pragma once

#include <vector>

#include <limits>

#include "duet/core/optim.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

struct SGDOptions {
  float lr = std::numeric_limits<float>::quiet_NaN();  ///< required, as in PyTorch
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
  static std::vector<Field<SGDOptions>> fields() {
    return {{"lr", {Meaning::learning_rate}, &SGDOptions::lr, Show::always, "step size"},
            {"momentum", {Meaning::momentum}, &SGDOptions::momentum, Show::always, "momentum factor"},
            {"dampening", {Meaning::dampening}, &SGDOptions::dampening, Show::always, "dampening for momentum"},
            {"weight_decay", {Meaning::weight_decay}, &SGDOptions::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"nesterov", {Meaning::nesterov}, &SGDOptions::nesterov, Show::when_changed, "Nesterov momentum"}};
  }
};
using SGDParamGroup = ParamGroup<SGDOptions>;

struct SGDRule {
  static constexpr const char* kName = "SGD";
  static void validate(const SGDOptions& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const SGDOptions& o, duet::optim::SgdState& s);
};

class SGD : public GroupedOptimizer<SGDOptions, duet::optim::SgdState, SGDRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
};

}  // namespace duet::torch::optim
