/// @file
/// Optimiser update rules, applied in place to a parameter's values outside the graph. Both
/// frameworks' variants live here under neutral names; the front-ends pick theirs and hold the
/// defaults. State (momentum buffers and the like) belongs to the caller, one per parameter.
/// Fields where the frameworks' defaults differ (learning rates, betas, rho, epsilon, the form
/// or placement) have no default here, so a caller must say which framework's value it means;
/// only the neutral "off" settings (no momentum, no weight decay, ...) default.
#pragma once

#include <cstdint>

#include "duet/core/tensor.h"

namespace duet::optim {

using Array = Tensor::Array;

/// Where momentum lives. Both give the same trajectory for a constant learning rate.
enum class MomentumForm {
  /// PyTorch (torch/optim/sgd.py): b = m b + (1 - dampening) g (b = g on the first step);
  /// nesterov: d = g + m b, else d = b; p -= lr d.
  gradient_buffer,
  /// Keras (keras/src/optimizers/sgd.py): v = m v - lr g; nesterov: p += m v - lr g, else p += v.
  velocity,
};

struct SgdRule {
  float learning_rate;
  float momentum = 0.0f;
  float dampening = 0.0f;     ///< gradient_buffer form only
  float weight_decay = 0.0f;  ///< L2 added to the gradient (PyTorch's coupled weight_decay)
  bool nesterov = false;
  MomentumForm form;
};

struct SgdState {
  Array buffer;  ///< momentum buffer / velocity; empty until the first momentum step
};

void sgd_update(Array& param, const Array& grad, const SgdRule& rule, SgdState& state);

/// Where Adam's epsilon enters the step.
enum class AdamEpsilon {
  /// PyTorch (torch/optim/adam.py): p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
  after_bias_correction,
  /// Keras (keras/src/optimizers/adam.py, "epsilon hat" of Kingma & Ba sec. 2):
  /// p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps).
  before_bias_correction,
};

struct AdamRule {
  float learning_rate;
  float beta1;
  float beta2;
  float epsilon;
  float weight_decay = 0.0f;
  bool decoupled_weight_decay = false;  ///< AdamW (Loshchilov & Hutter): p *= 1 - lr wd before the step
  bool amsgrad = false;                 ///< use the running maximum of v (Reddi et al. 2018)
  AdamEpsilon epsilon_placement;
};

struct AdamState {
  Array m, v, v_max;  ///< first and second moments; v_max for amsgrad
  std::int64_t step = 0;
};

void adam_update(Array& param, const Array& grad, const AdamRule& rule, AdamState& state);

/// Where RMSprop's and Adagrad's epsilon enters the denominator.
enum class RootEpsilon {
  outside_sqrt,  ///< PyTorch: sqrt(v) + eps
  inside_sqrt,   ///< Keras: sqrt(v + eps)
};

/// Where RMSprop's momentum buffer meets the learning rate. Both give the same trajectory for a
/// constant learning rate; they part when it changes (a schedule).
enum class MomentumLearningRate {
  after_buffer,   ///< PyTorch: b = m b + g / d; p -= lr b
  inside_buffer,  ///< Keras: b = m b + lr g / d; p -= b
};

struct RmspropRule {
  float learning_rate;
  float rho;  ///< PyTorch's alpha, Keras' rho
  float epsilon;
  float momentum = 0.0f;
  bool centered = false;      ///< divide by the estimated variance instead of the second moment
  float weight_decay = 0.0f;  ///< coupled L2 (PyTorch)
  RootEpsilon epsilon_placement;
  MomentumLearningRate momentum_learning_rate;
};

struct RmspropState {
  Array square_avg, grad_avg, momentum;
};

/// PyTorch (torch/optim/rmsprop.py): v = a v + (1 - a) g^2; centred: d = sqrt(v - gbar^2) + eps;
/// momentum: b = m b + g / d, p -= lr b; else p -= lr g / d.
/// Keras (keras/src/optimizers/rmsprop.py): the same moments, d = sqrt(v (- gbar^2) + eps);
/// momentum: b = m b + lr g / d, p -= b. Equal for a constant learning rate apart from eps.
void rmsprop_update(Array& param, const Array& grad, const RmspropRule& rule, RmspropState& state);

struct AdagradRule {
  float learning_rate;
  float epsilon;
  float initial_accumulator_value;
  float weight_decay = 0.0f;  ///< coupled L2 (PyTorch)
  float lr_decay = 0.0f;      ///< PyTorch: lr / (1 + (t - 1) lr_decay)
  RootEpsilon epsilon_placement;
};

struct AdagradState {
  Array sum;
  std::int64_t step = 0;
};

/// s += g^2; p -= lr g / (sqrt(s) + eps) (PyTorch) or lr g / sqrt(s + eps) (Keras).
void adagrad_update(Array& param, const Array& grad, const AdagradRule& rule, AdagradState& state);

}  // namespace duet::optim
