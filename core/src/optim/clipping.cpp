// Gradient clipping and decoupled weight decay in both frameworks' forms.
#include "duet/core/clipping.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "duet/core/error.h"

namespace duet::optim {

void clip_by_value(Tensor::Array& grad, float limit) {
  if (!(limit >= 0)) throw Error(fmt::format("clip_by_value: the limit must not be negative, got {:g}", limit));
  grad = grad.max(-limit).min(limit);
}

void clip_by_norm(Tensor::Array& grad, float max_norm) {
  if (!(max_norm > 0)) throw Error(fmt::format("clip_by_norm: the norm must be positive, got {:g}", max_norm));
  const float norm = std::sqrt(grad.square().sum());
  // Keras multiplies first, then divides by max(norm, clipnorm): a no-op (up to rounding) below.
  grad = (grad * max_norm) / std::max(norm, max_norm);
}

double global_norm(const std::vector<const Tensor::Array*>& grads) {
  double squares = 0;
  for (const auto* g : grads) squares += static_cast<double>(g->square().sum());
  return std::sqrt(squares);
}

double clip_by_global_norm(const std::vector<Tensor::Array*>& grads, float max_norm, GlobalNormForm form) {
  // PyTorch accepts 0 (every gradient zeroed); Keras treats 0 as "no clipping" and never calls this.
  const bool allowed = form == GlobalNormForm::torch_epsilon ? max_norm >= 0 : max_norm > 0;
  if (!allowed) throw Error(fmt::format("clip_by_global_norm: the norm must be positive, got {:g}", max_norm));
  const std::vector<const Tensor::Array*> views(grads.begin(), grads.end());
  const auto norm = static_cast<float>(global_norm(views));
  float scale = 1.0f;
  if (form == GlobalNormForm::keras_exact) {
    scale = max_norm * std::min(1.0f / norm, 1.0f / max_norm);
  } else {
    scale = std::min(max_norm / (norm + 1e-6f), 1.0f);  // torch/nn/utils/clip_grad.py
  }
  for (auto* g : grads) *g *= scale;
  return norm;
}

void decoupled_weight_decay(Tensor::Array& param, float learning_rate, float weight_decay, DecoupledDecayForm form) {
  if (weight_decay == 0.0f) return;
  if (form == DecoupledDecayForm::scale) {
    param *= 1.0f - learning_rate * weight_decay;
  } else {
    param -= param * weight_decay * learning_rate;
  }
}

}  // namespace duet::optim
