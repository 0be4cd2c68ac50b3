/// @file
/// Building each side's optimiser from an experiment, and the effective settings (defaults filled
/// in from the front-ends' own option structs) that reports and explanations talk about.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duet/compare/experiment.h"
#include "duet/keras/optimizers.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::compare {

std::shared_ptr<keras::optimizers::Optimizer> make_keras_optimizer(const KerasOptimizerConfig& config);
std::unique_ptr<torch::optim::Optimizer> make_torch_optimizer(const TorchOptimizerConfig& config,
                                                              std::vector<Tensor> params);

/// One side's optimiser in neutral terms. Fields an optimiser does not have stay at 0 / false.
struct OptimizerSettings {
  std::string name;  ///< sgd | adam | rmsprop | adagrad
  float learning_rate = 0;
  float momentum = 0;
  bool nesterov = false;
  float dampening = 0;
  float weight_decay = 0;
  float epsilon = 0;
  float beta1 = 0, beta2 = 0, rho = 0;
  float initial_accumulator = 0;
  bool amsgrad = false, centered = false;
  std::string text;  ///< as the framework would print the constructor call
};

OptimizerSettings settings_of(const KerasOptimizerConfig& config);
OptimizerSettings settings_of(const TorchOptimizerConfig& config);

}  // namespace duet::compare
