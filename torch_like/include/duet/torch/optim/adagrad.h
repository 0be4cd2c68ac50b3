/// @file
/// torch.optim.Adagrad with PyTorch's rule (torch/optim/adagrad.py) and defaults.
#pragma once

#include "duet/core/optim.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

struct AdagradOptions {
  float lr = 1e-2f;
  float lr_decay = 0.0f;
  float weight_decay = 0.0f;
  float initial_accumulator_value = 0.0f;
  float eps = 1e-10f;
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
