/// @file
/// Each side's optimiser from an experiment, through the front-ends' own descriptors
/// (keras::optimizers::all(), torch::optim::all()), and the effective settings (defaults filled
/// in) that reports and explanations talk about, in neutral terms.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duet/compare/experiment.h"
#include "duet/keras/optimizers.h"
#include "duet/torch/optim/lr_scheduler.h"
#include "duet/torch/optim/optimizer.h"
#include "duet/torch/optim/registry.h"

namespace duet::compare {

/// The descriptor named by `config.name`; throws naming the side and the known names.
const keras::optimizers::Descriptor& keras_descriptor(const std::string& name);
const torch::optim::Descriptor& torch_descriptor(const std::string& name);

/// The Keras optimiser, with its learning-rate schedule when the config has one.
std::shared_ptr<keras::optimizers::Optimizer> make_keras_optimizer(const OptimizerConfig& config);
/// The Keras schedule an experiment describes.
keras::optimizers::schedules::ScheduleRef make_keras_schedule(const KerasScheduleConfig& config);
/// The PyTorch scheduler an experiment describes, stepping `optimizer` once per epoch.
std::unique_ptr<torch::optim::lr_scheduler::LRScheduler> make_torch_scheduler(const TorchSchedulerConfig& config,
                                                                              torch::optim::Optimizer& optimizer);
std::unique_ptr<torch::optim::Optimizer> make_torch_optimizer(const OptimizerConfig& config, std::vector<Tensor> params);

/// One side's optimiser in neutral terms. Fields an optimiser does not have stay at 0 / false.
struct OptimizerSettings {
  std::string name;  ///< the descriptor's name: sgd | adam | adamw | rmsprop | adagrad
  float learning_rate = 0;
  float momentum = 0;
  bool nesterov = false;
  float dampening = 0;
  float weight_decay = 0;            ///< coupled L2 (PyTorch's SGD, Adam, RMSprop, Adagrad)
  float decoupled_weight_decay = 0;  ///< Keras 3's weight_decay on every optimiser, PyTorch's AdamW
  float clipnorm = 0, global_clipnorm = 0, clipvalue = 0;  ///< Keras' clipping inside the optimiser
  float epsilon = 0;
  float beta1 = 0, beta2 = 0, rho = 0;
  float initial_accumulator = 0;
  float lr_decay = 0;
  bool amsgrad = false, centered = false;
  std::string text;  ///< as the framework would print the constructor call
  std::string schedule;  ///< Keras: the learning-rate schedule's constructor call, or empty
};

OptimizerSettings keras_settings(const OptimizerConfig& config);
OptimizerSettings torch_settings(const OptimizerConfig& config);

/// Every optimiser of both front-ends with its options and defaults, as the Markdown table in
/// docs/experiment-format.md (`duet-compare --list-optimizers` prints it; a test keeps the docs
/// equal to it).
std::string optimizer_table_markdown();

/// Which options --explain's ablation aligns in one step.
enum class AlignedOptions { learning_rate, constants };
/// Gives the PyTorch side's options Keras' values, matched by meaning (`constants`: every option
/// but the learning rate; one that Keras' optimiser lacks, such as dampening or PyTorch's coupled
/// weight_decay, goes to its neutral 0). Both sides must name the same optimiser. Returns whether
/// anything changed.
bool align_torch_to_keras(const OptimizerConfig& keras, OptimizerConfig& torch, AlignedOptions which);

}  // namespace duet::compare
