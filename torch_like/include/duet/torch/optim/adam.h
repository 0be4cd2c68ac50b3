/// @file
/// torch.optim.Adam and AdamW with PyTorch's rules (torch/optim/adam.py, adamw.py) and defaults.
#pragma once

#include <vector>

#include <utility>

#include "duet/core/optim.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

struct AdamOptions {
  float lr = 1e-3f;
  std::pair<float, float> betas = {0.9f, 0.999f};
  float eps = 1e-8f;  ///< added after bias correction: sqrt(v_hat) + eps
  float weight_decay = 0.0f;  ///< L2, added to the gradient
  bool amsgrad = false;
  static std::vector<Field<AdamOptions>> fields() {
    return {{"lr", {Meaning::learning_rate}, &AdamOptions::lr, Show::always, "step size"},
            {"betas", {Meaning::beta1, Meaning::beta2}, &AdamOptions::betas, Show::always, "moment decays"},
            {"eps", {Meaning::epsilon}, &AdamOptions::eps, Show::always, "added to the bias-corrected sqrt(v)"},
            {"weight_decay", {Meaning::weight_decay}, &AdamOptions::weight_decay, Show::always, "L2 penalty added to the gradient"},
            {"amsgrad", {Meaning::amsgrad}, &AdamOptions::amsgrad, Show::when_changed, "use the maximum of v"}};
  }
};

struct AdamWOptions {
  float lr = 1e-3f;
  std::pair<float, float> betas = {0.9f, 0.999f};
  float eps = 1e-8f;
  float weight_decay = 1e-2f;  ///< decoupled: p *= 1 - lr * weight_decay
  bool amsgrad = false;
  static std::vector<Field<AdamWOptions>> fields() {
    return {{"lr", {Meaning::learning_rate}, &AdamWOptions::lr, Show::always, "step size"},
            {"betas", {Meaning::beta1, Meaning::beta2}, &AdamWOptions::betas, Show::always, "moment decays"},
            {"eps", {Meaning::epsilon}, &AdamWOptions::eps, Show::always, "added to the bias-corrected sqrt(v)"},
            {"weight_decay", {Meaning::decoupled_weight_decay}, &AdamWOptions::weight_decay, Show::always, "decoupled: p *= 1 - lr wd"},
            {"amsgrad", {Meaning::amsgrad}, &AdamWOptions::amsgrad, Show::when_changed, "use the maximum of v"}};
  }
};

struct AdamRule {
  static constexpr const char* kName = "Adam";
  static void validate(const AdamOptions& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const AdamOptions& o, duet::optim::AdamState& s);
};

struct AdamWRule {
  static constexpr const char* kName = "AdamW";
  static void validate(const AdamWOptions& o);
  static void update(Tensor::Array& param, const Tensor::Array& grad, const AdamWOptions& o, duet::optim::AdamState& s);
};

class Adam : public GroupedOptimizer<AdamOptions, duet::optim::AdamState, AdamRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
};

class AdamW : public GroupedOptimizer<AdamWOptions, duet::optim::AdamState, AdamWRule> {
 public:
  using GroupedOptimizer::GroupedOptimizer;
};

}  // namespace duet::torch::optim
