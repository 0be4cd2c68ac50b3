/// @file
/// torch.optim.RMSprop with PyTorch's rule (torch/optim/rmsprop.py) and defaults.
#pragma once

#include <vector>

#include "duet/core/optim.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

struct RMSpropOptions {
  float lr = 1e-2f;
  float alpha = 0.99f;
  float eps = 1e-8f;  ///< outside the root: sqrt(v) + eps
  float weight_decay = 0.0f;
  float momentum = 0.0f;
  bool centered = false;
  static std::vector<Field<RMSpropOptions>> fields() {
    return {{"lr", {Meaning::learning_rate}, &RMSpropOptions::lr, Show::always, "step size"},
            {"alpha", {Meaning::rho}, &RMSpropOptions::alpha, Show::always, "square-average decay"},
            {"eps", {Meaning::epsilon}, &RMSpropOptions::eps, Show::always, "outside the root: sqrt(v) + eps"},
            {"weight_decay", {Meaning::weight_decay}, &RMSpropOptions::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"momentum", {Meaning::momentum}, &RMSpropOptions::momentum, Show::always, "momentum factor"},
            {"centered", {Meaning::centered}, &RMSpropOptions::centered, Show::when_changed, "divide by the variance"}};
  }
};

struct RMSpropRule {
  static constexpr const char* kName = "RMSprop";
  static void validate(const RMSpropOptions& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const RMSpropOptions& o,
                     duet::optim::RmspropState& s);
};

class RMSprop : public GroupedOptimizer<RMSpropOptions, duet::optim::RmspropState, RMSpropRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
};

}  // namespace duet::torch::optim
