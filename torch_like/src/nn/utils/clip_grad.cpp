// Gradient clipping between backward() and step(), as torch/nn/utils/clip_grad.py.
#include "duet/torch/nn/utils/clip_grad.h"

#include <fmt/format.h>

#include "duet/core/clipping.h"
#include "duet/core/error.h"

namespace duet::torch::nn::utils {

namespace {
std::vector<Tensor::Array*> gradients(const std::vector<Tensor>& parameters) {
  std::vector<Tensor::Array*> out;
  for (const auto& p : parameters) {
    Tensor grad = p.grad();
    if (grad.defined()) out.push_back(&grad.mutable_data());  // the handle shares the stored gradient
  }
  return out;
}
}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type) {
  if (norm_type != 2.0) {
    throw Error(fmt::format("clip_grad_norm_: only norm_type=2 is supported, got {:g}", norm_type));
  }
  if (!(max_norm >= 0)) throw Error(fmt::format("clip_grad_norm_: max_norm must not be negative, got {:g}", max_norm));
  const auto grads = gradients(parameters);
  if (grads.empty()) return 0.0;
  return duet::optim::clip_by_global_norm(grads, static_cast<float>(max_norm), duet::optim::GlobalNormForm::torch_epsilon);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  if (!(clip_value >= 0)) {
    throw Error(fmt::format("clip_grad_value_: clip_value must not be negative, got {:g}", clip_value));
  }
  for (auto* g : gradients(parameters)) duet::optim::clip_by_value(*g, static_cast<float>(clip_value));
}

}  // namespace duet::torch::nn::utils
