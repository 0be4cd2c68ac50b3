/// @file
/// The PyTorch-side losses an experiment names ("mse", "cross_entropy", ...), in one table: the
/// experiment parser's names, the module run_torch builds and the class name reports print all
/// come from it; which loss takes which option comes from the loss options table.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duet/compare/experiment.h"
#include "duet/torch/nn/loss.h"

namespace duet::compare {

/// The names, in the order of the table: mse, l1, huber, smooth_l1, bce, bce_with_logits, cross_entropy.
std::vector<std::string> torch_loss_names();
/// Every key `torch.loss` may hold: "name" and the options of the loss options table
/// (compare/src/loss_options.cpp: reduction, delta, beta, weight, pos_weight, label_smoothing).
std::vector<std::string> torch_loss_keys();
/// "MSELoss" for "mse"; throws for an unknown name.
const std::string& torch_loss_class(const std::string& name);
/// The loss module for the experiment's PyTorch side (reduction, delta, beta applied).
std::unique_ptr<torch::nn::Loss> make_torch_loss(const TorchConfig& config);

}  // namespace duet::compare
