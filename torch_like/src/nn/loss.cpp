#include "duet/torch/nn/loss.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet::torch::nn {

Loss::Loss(const std::string& reduction, const char* type_name) : reduction_name_(reduction) {
  if (reduction == "none") reduction_ = duet::Reduction::none;
  else if (reduction == "mean") reduction_ = duet::Reduction::mean;
  else if (reduction == "sum") reduction_ = duet::Reduction::sum;
  else throw Error(fmt::format("{}: reduction must be 'none', 'mean' or 'sum', got '{}'", type_name, reduction));
}

Tensor MSELoss::forward(const Tensor& input, const Tensor& target) const {
  return squared_error(input, target, reduction());
}

Tensor L1Loss::forward(const Tensor& input, const Tensor& target) const {
  return absolute_error(input, target, reduction());
}

HuberLoss::HuberLoss(const std::string& reduction, float delta) : Loss(reduction, "HuberLoss"), delta_(delta) {
  if (!(delta > 0)) throw Error(fmt::format("HuberLoss: delta must be positive, got {:g}", delta));
}

Tensor HuberLoss::forward(const Tensor& input, const Tensor& target) const {
  return huber(input, target, delta_, reduction());
}

SmoothL1Loss::SmoothL1Loss(const std::string& reduction, float beta) : Loss(reduction, "SmoothL1Loss"), beta_(beta) {
  // beta = 0 is plain L1 in PyTorch; it is accepted and routed there.
  if (!(beta >= 0)) throw Error(fmt::format("SmoothL1Loss: beta must not be negative, got {:g}", beta));
}

Tensor SmoothL1Loss::forward(const Tensor& input, const Tensor& target) const {
  // torch/nn/functional.py smooth_l1_loss: Huber with delta = beta, divided by beta.
  if (beta_ == 0.0f) return absolute_error(input, target, reduction());
  return huber(input, target, beta_, reduction()) / beta_;
}

}  // namespace duet::torch::nn
