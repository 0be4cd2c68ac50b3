// Optimiser update rules, applied in place to a parameter's values outside the graph. Both
// frameworks' variants live here under neutral names; the front-ends pick theirs and hold the
// defaults. State (momentum buffers and the like) belongs to the caller, one per parameter.
#pragma once

#include "duet/core/tensor.h"

namespace duet::optim {

using Array = Tensor::Array;

// Where momentum lives. Both give the same trajectory for a constant learning rate.
enum class MomentumForm {
  // PyTorch (torch/optim/sgd.py): b = m b + (1 - dampening) g (b = g on the first step);
  // nesterov: d = g + m b, else d = b; p -= lr d.
  gradient_buffer,
  // Keras (keras/src/optimizers/sgd.py): v = m v - lr g; nesterov: p += m v - lr g, else p += v.
  velocity,
};

struct SgdRule {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  float dampening = 0.0f;     // gradient_buffer form only
  float weight_decay = 0.0f;  // L2 added to the gradient (PyTorch's coupled weight_decay)
  bool nesterov = false;
  MomentumForm form = MomentumForm::gradient_buffer;
};

struct SgdState {
  Array buffer;  // momentum buffer / velocity; empty until the first momentum step
};

void sgd_update(Array& param, const Array& grad, const SgdRule& rule, SgdState& state);

}  // namespace duet::optim
