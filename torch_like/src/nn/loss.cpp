#include "duet/torch/nn/loss.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/checks.h"
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

Tensor BCELoss::forward(const Tensor& input, const Tensor& target) const {
  return binary_cross_entropy(input, target, duet::ProbabilityGuard::log_floor(), reduction());
}

Tensor BCEWithLogitsLoss::forward(const Tensor& input, const Tensor& target) const {
  return binary_cross_entropy_with_logits(input, target, reduction());
}

std::vector<std::int64_t> class_indices(const Tensor& target, std::int64_t classes, const char* loss) {
  if (target.rank() != 1) {
    throw Error(fmt::format("{}: class-index targets must have shape [N], got {}", loss, target.shape().str()));
  }
  if (const auto bad = first_invalid_class_index(target, classes); bad >= 0) {
    throw Error(fmt::format("{}: Target {:g} at position {} is out of bounds (classes are 0..{})", loss,
                            target.data()[bad], bad, classes - 1));
  }
  return as_class_indices(target);
}

Tensor CrossEntropyLoss::forward(const Tensor& input, const Tensor& target) const {
  if (input.rank() != 2) {
    throw Error(fmt::format("CrossEntropyLoss: input must be [N, C] logits, got shape {}", input.shape().str()));
  }
  if (target.shape() == input.shape()) return cross_entropy_with_logits(input, target, reduction());
  return cross_entropy_with_logits(input, class_indices(target, input.shape()[1], "CrossEntropyLoss"), reduction());
}

Tensor NLLLoss::forward(const Tensor& input, const Tensor& target) const {
  if (input.rank() != 2) {
    throw Error(fmt::format("NLLLoss: input must be [N, C] log-probabilities, got shape {}", input.shape().str()));
  }
  return negative_log_likelihood(input, class_indices(target, input.shape()[1], "NLLLoss"), reduction());
}

}  // namespace duet::torch::nn
