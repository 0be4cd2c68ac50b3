#include "duet/torch/nn/loss.h"

#include "duet/core/weighted_loss.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet::torch {

std::string reduction_name(const reduction_t& reduction) {
  struct Name {
    const char* operator()(enumtype::kNone) const { return "none"; }
    const char* operator()(enumtype::kMean) const { return "mean"; }
    const char* operator()(enumtype::kSum) const { return "sum"; }
  };
  return std::visit(Name{}, reduction);
}

}  // namespace duet::torch

namespace duet::torch::nn {

Loss::Loss(const std::string& reduction, const char* type_name) : reduction_name_(reduction), type_name_(type_name) {
  if (reduction == "none") reduction_ = duet::Reduction::none;
  else if (reduction == "mean") reduction_ = duet::Reduction::mean;
  else if (reduction == "sum") reduction_ = duet::Reduction::sum;
  else throw Error(fmt::format("{}: reduction must be 'none', 'mean' or 'sum', got '{}'", type_name, reduction));
}

namespace {
// PyTorch's regression and binary losses want floating input and target ("Found dtype Long but
// expected Float"); the message names both dtypes.
void require_float(const Tensor& input, const Tensor& target, const char* loss) {
  if (!input.is_floating_point()) {
    throw Error(fmt::format("{}: the input must be float32, but got {}", loss, dtype_name(input.dtype())));
  }
  if (!target.is_floating_point()) {
    throw Error(fmt::format("{}: the target must be float32, but got {} (convert with .to(torch::kFloat))", loss,
                            dtype_name(target.dtype())));
  }
}
}  // namespace

Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) const {
  require_float(input, target, "MSELoss");
  return squared_error(input, target, reduction());
}

Tensor L1LossImpl::forward(const Tensor& input, const Tensor& target) const {
  require_float(input, target, "L1Loss");
  return absolute_error(input, target, reduction());
}

HuberLossImpl::HuberLossImpl(const std::string& reduction, float delta) : Loss(reduction, "HuberLoss"), delta_(delta) {
  if (!(delta > 0)) throw Error(fmt::format("HuberLoss: delta must be positive, got {:g}", delta));
}

Tensor HuberLossImpl::forward(const Tensor& input, const Tensor& target) const {
  require_float(input, target, "HuberLoss");
  return huber(input, target, delta_, reduction());
}

SmoothL1LossImpl::SmoothL1LossImpl(const std::string& reduction, float beta) : Loss(reduction, "SmoothL1Loss"), beta_(beta) {
  // beta = 0 is plain L1 in PyTorch; it is accepted and routed there.
  if (!(beta >= 0)) throw Error(fmt::format("SmoothL1Loss: beta must not be negative, got {:g}", beta));
}

Tensor SmoothL1LossImpl::forward(const Tensor& input, const Tensor& target) const {
  require_float(input, target, "SmoothL1Loss");
  // torch/nn/functional.py smooth_l1_loss: Huber with delta = beta, divided by beta.
  if (beta_ == 0.0f) return absolute_error(input, target, reduction());
  return huber(input, target, beta_, reduction()) / beta_;
}

Tensor BCELossImpl::forward(const Tensor& input, const Tensor& target) const {
  require_float(input, target, "BCELoss");
  if (!weight_.defined()) return binary_cross_entropy(input, target, duet::ProbabilityGuard::log_floor(), reduction());
  // torch.nn.functional.binary_cross_entropy: the weight multiplies each element's loss.
  return duet::reduce(mul(binary_cross_entropy(input, target, duet::ProbabilityGuard::log_floor(), duet::Reduction::none),
                          weight_),
                      reduction());
}

Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) const {
  require_float(input, target, "BCEWithLogitsLoss");
  if (!weight_.defined() && !pos_weight_.defined()) return binary_cross_entropy_with_logits(input, target, reduction());
  return weighted_binary_cross_entropy_with_logits(input, target, weight_, pos_weight_, reduction());
}

std::vector<std::int64_t> class_indices(const Tensor& target, std::int64_t classes, const char* loss) {
  if (target.dtype() != DType::int64) {
    // aten's nll_loss: "expected scalar type Long but found Float".
    throw Error(fmt::format("{}: class-index targets must be int64 (torch::kLong), but got {} (shape {}); convert "
                            "with .to(torch::kLong), or give class probabilities of the input's shape",
                            loss, dtype_name(target.dtype()), target.shape().str()));
  }
  if (target.rank() != 1) {
    throw Error(fmt::format("{}: class-index targets must have shape [N], got {}", loss, target.shape().str()));
  }
  if (const auto bad = first_invalid_class_index(target, classes); bad >= 0) {
    throw Error(fmt::format("{}: Target {:g} at position {} is out of bounds (classes are 0..{})", loss,
                            target.data()[bad], bad, classes - 1));
  }
  return as_class_indices(target);
}

CrossEntropyLossImpl::CrossEntropyLossImpl(const CrossEntropyLossOptions& options)
    : CrossEntropyLossImpl(::duet::torch::reduction_name(options.reduction())) {
  if (options.weight().defined()) {
    if (options.weight().rank() != 1) {
      throw Error(fmt::format("CrossEntropyLoss: weight must be 1-D (one per class), got shape {}",
                              options.weight().shape().str()));
    }
    weight_.assign(options.weight().data().begin(), options.weight().data().end());
  }
  ignore_index_ = options.ignore_index();
  label_smoothing_ = static_cast<float>(options.label_smoothing());
  if (!(label_smoothing_ >= 0.0f && label_smoothing_ <= 1.0f)) {
    // aten LossNLL.cpp's check.
    throw Error(fmt::format("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: {:g}", label_smoothing_));
  }
}

Tensor CrossEntropyLossImpl::forward(const Tensor& input, const Tensor& target) const {
  const bool plain = weight_.empty() && label_smoothing_ == 0.0f;
  if (input.rank() != 2) {
    throw Error(fmt::format("CrossEntropyLoss: input must be [N, C] logits, got shape {}", input.shape().str()));
  }
  if (target.shape() == input.shape()) {
    if (!target.is_floating_point()) {
      throw Error(fmt::format("CrossEntropyLoss: class-probability targets (shape {}, the input's) must be float32, "
                              "but got {}; class indices have shape [N]",
                              target.shape().str(), dtype_name(target.dtype())));
    }
    if (plain) return cross_entropy_with_logits(input, target, reduction());
    return probability_cross_entropy(input, target, weight_, label_smoothing_, reduction());
  }
  if (plain && ignore_index_ < 0) {
    return cross_entropy_with_logits(input, class_indices(target, input.shape()[1], "CrossEntropyLoss"), reduction());
  }
  // Samples of the ignored class are left out before the range check.
  std::vector<std::int64_t> classes;
  if (target.rank() == 1 && target.dtype() == DType::int64) {
    const Tensor kept = target;
    classes = as_class_indices(kept);
    for (std::size_t i = 0; i < classes.size(); ++i) {
      if (classes[i] != ignore_index_ && (classes[i] < 0 || classes[i] >= input.shape()[1])) {
        throw Error(fmt::format("CrossEntropyLoss: Target {} at position {} is out of bounds (classes are 0..{})",
                                classes[i], i, input.shape()[1] - 1));
      }
    }
  } else {
    classes = class_indices(target, input.shape()[1], "CrossEntropyLoss");
  }
  return class_index_cross_entropy(input, classes, weight_, ignore_index_, label_smoothing_, reduction());
}

Tensor NLLLossImpl::forward(const Tensor& input, const Tensor& target) const {
  if (input.rank() != 2) {
    throw Error(fmt::format("NLLLoss: input must be [N, C] log-probabilities, got shape {}", input.shape().str()));
  }
  return negative_log_likelihood(input, class_indices(target, input.shape()[1], "NLLLoss"), reduction());
}

}  // namespace duet::torch::nn
