/// @file
/// torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (torch/nn/utils/clip_grad.py): called by
/// the training loop between backward() and step(), changing each parameter's .grad in place.
/// Keras clips inside its optimiser instead (clipnorm per variable, global_clipnorm over all).
#pragma once

#include <vector>

#include "duet/core/tensor.h"

namespace duet::torch::nn::utils {

/// Scales every gradient by min(1, max_norm / (total_norm + 1e-6)), total_norm being the L2 norm
/// of all gradients together; returns total_norm. Parameters without a gradient are skipped.
/// Only norm_type 2 is supported.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0);

/// Clamps every gradient value to [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

}  // namespace duet::torch::nn::utils
