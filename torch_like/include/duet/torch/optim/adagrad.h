/// @file
/// torch.optim.Adagrad with PyTorch's rule (torch/optim/adagrad.py) and defaults.
#pragma once

#include <vector>

#include "duet/core/optim.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

struct AdagradOptions {
  float lr = 1e-2f;
  float lr_decay = 0.0f;
  float weight_decay = 0.0f;
  float initial_accumulator_value = 0.0f;
  float eps = 1e-10f;
  static std::vector<Field<AdagradOptions>> fields() {
    return {{"lr", {Meaning::learning_rate}, &AdagradOptions::lr, Show::always, "step size"},
            {"lr_decay", {Meaning::lr_decay}, &AdagradOptions::lr_decay, Show::when_changed, "lr / (1 + (t - 1) lr_decay)"},
            {"weight_decay", {Meaning::weight_decay}, &AdagradOptions::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"initial_accumulator_value", {Meaning::initial_accumulator}, &AdagradOptions::initial_accumulator_value, Show::always, "starting sum of squares"},
            {"eps", {Meaning::epsilon}, &AdagradOptions::eps, Show::always, "outside the root: sqrt(s) + eps"}};
  }
};

struct AdagradRule {
  static constexpr const char* kName = "Adagrad";
  static void validate(const AdagradOptions& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const AdagradOptions& o,
                     duet::optim::AdagradState& s);
};

class Adagrad : public GroupedOptimizer<AdagradOptions, duet::optim::AdagradState, AdagradRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
};

}  // namespace duet::torch::optim
