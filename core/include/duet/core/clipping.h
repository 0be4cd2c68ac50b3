/// @file
/// Gradient clipping and decoupled weight decay: the steps around an optimiser's update rule that
/// both frameworks offer in their own forms. Applied to a gradient's or parameter's values outside
/// the graph; each front-end picks its form and its placement.
#pragma once

#include <vector>

#include "duet/core/tensor.h"

namespace duet::optim {

/// Each value clamped to [-limit, limit] (Keras clipvalue, torch.nn.utils.clip_grad_value_).
void clip_by_value(Tensor::Array& grad, float limit);

/// One tensor rescaled so that its L2 norm is at most `max_norm`, Keras' per-variable clipnorm
/// (keras/src/optimizers/base_optimizer.py `_clip_by_norm`): g * max_norm / max(|g|, max_norm).
void clip_by_norm(Tensor::Array& grad, float max_norm);

/// How a global-norm clip turns the norm into a scale.
enum class GlobalNormForm {
  /// Keras (keras/src/optimizers/base_optimizer.py `clip_by_global_norm`):
  /// scale = max_norm * min(1 / norm, 1 / max_norm); exactly 1 below the limit.
  keras_exact,
  /// PyTorch (torch/nn/utils/clip_grad.py): coef = max_norm / (norm + 1e-6), clamped to at most 1,
  /// so a gradient just under the limit is still scaled by a hair.
  torch_epsilon,
};

/// The L2 norm of all the arrays together, sqrt(sum of every square), in double.
double global_norm(const std::vector<const Tensor::Array*>& grads);

/// Scales every array by one factor so that their global L2 norm is at most `max_norm`. Returns
/// the norm before clipping (what clip_grad_norm_ returns).
double clip_by_global_norm(const std::vector<Tensor::Array*>& grads, float max_norm, GlobalNormForm form);

/// How decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization")
/// shrinks a parameter. Both come before the update rule and give the same value up to rounding.
enum class DecoupledDecayForm {
  /// PyTorch AdamW (torch/optim/adamw.py): p *= 1 - lr * wd.
  scale,
  /// Keras 3 (base_optimizer.py `_apply_weight_decay`): p -= p * wd * lr.
  subtract,
};

/// Applies decoupled weight decay with this step's learning rate.
void decoupled_weight_decay(Tensor::Array& param, float learning_rate, float weight_decay, DecoupledDecayForm form);

}  // namespace duet::optim
