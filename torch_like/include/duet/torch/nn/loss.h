/// @file
/// Loss modules with PyTorch's `reduction` argument: "none" | "mean" (the default) | "sum".
/// Each `XLossImpl` is the module and `XLoss` its libtorch-style holder, built from a string
/// (`MSELoss("sum")`), a reduction (`MSELoss(torch::kSum)`) or options
/// (`MSELoss(MSELossOptions().reduction(torch::kSum))`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duet/core/loss.h"
#include "duet/torch/enum.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// Options of a loss with only a reduction (libtorch's MSELossOptions, L1LossOptions, ...).
struct LossReductionOptions {
  LossReductionOptions() = default;
  /// From torch::kNone, kMean or kSum, so `MSELoss(torch::kSum)` works as in libtorch.
  LossReductionOptions(enumtype::kNone r) : reduction_(r) {}  // NOLINT: implicit, as in libtorch
  LossReductionOptions(enumtype::kMean r) : reduction_(r) {}  // NOLINT: implicit, as in libtorch
  LossReductionOptions(enumtype::kSum r) : reduction_(r) {}   // NOLINT: implicit, as in libtorch
  /// how the per-element losses are combined
  auto reduction(const reduction_t& value) -> decltype(*this) {
    reduction_ = value;
    return *this;
  }
  /// the reduction
  const reduction_t& reduction() const noexcept { return reduction_; }

 private:
  reduction_t reduction_ = kMean;
};
using MSELossOptions = LossReductionOptions;
using L1LossOptions = LossReductionOptions;
using BCELossOptions = LossReductionOptions;
using BCEWithLogitsLossOptions = LossReductionOptions;
using CrossEntropyLossOptions = LossReductionOptions;
using NLLLossOptions = LossReductionOptions;

/// HuberLossOptions().reduction(torch::kSum).delta(0.5)
struct HuberLossOptions : LossReductionOptions {
  using LossReductionOptions::LossReductionOptions;
  /// where the loss turns from quadratic to linear
  HuberLossOptions& delta(double value) {
    delta_ = value;
    return *this;
  }
  /// the threshold
  double delta() const noexcept { return delta_; }
  using LossReductionOptions::reduction;
  /// sets the reduction, keeping the builder's type
  HuberLossOptions& reduction(const reduction_t& value) {
    LossReductionOptions::reduction(value);
    return *this;
  }

 private:
  double delta_ = 1.0;
};

/// SmoothL1LossOptions().beta(0.5)
struct SmoothL1LossOptions : LossReductionOptions {
  using LossReductionOptions::LossReductionOptions;
  /// where the loss turns from quadratic to linear
  SmoothL1LossOptions& beta(double value) {
    beta_ = value;
    return *this;
  }
  /// the threshold
  double beta() const noexcept { return beta_; }
  using LossReductionOptions::reduction;
  /// sets the reduction, keeping the builder's type
  SmoothL1LossOptions& reduction(const reduction_t& value) {
    LossReductionOptions::reduction(value);
    return *this;
  }

 private:
  double beta_ = 1.0;
};

/// The common part: the reduction, parsed and checked once.
class Loss : public Module {
 public:
  explicit Loss(const std::string& reduction, const char* type_name);
  virtual Tensor forward(const Tensor& input, const Tensor& target) const = 0;
  Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
  const std::string& reduction_name() const { return reduction_name_; }
  std::string type_name() const override { return type_name_; }
  std::string extra_repr() const override { return ""; }

 protected:
  duet::Reduction reduction() const { return reduction_; }

 private:
  std::string reduction_name_;
  std::string type_name_;
  duet::Reduction reduction_;
};

/// (input - target)^2
class MSELossImpl : public Loss {
 public:
  explicit MSELossImpl(const std::string& reduction = "mean") : Loss(reduction, "MSELoss") {}
  explicit MSELossImpl(const MSELossOptions& options) : MSELossImpl(::duet::torch::reduction_name(options.reduction())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};
TORCH_MODULE(MSELoss);

/// |input - target|
class L1LossImpl : public Loss {
 public:
  explicit L1LossImpl(const std::string& reduction = "mean") : Loss(reduction, "L1Loss") {}
  explicit L1LossImpl(const L1LossOptions& options) : L1LossImpl(::duet::torch::reduction_name(options.reduction())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};
TORCH_MODULE(L1Loss);

/// 0.5 d^2 for |d| <= delta, else delta (|d| - 0.5 delta)
class HuberLossImpl : public Loss {
 public:
  explicit HuberLossImpl(const std::string& reduction = "mean", float delta = 1.0f);
  explicit HuberLossImpl(const HuberLossOptions& options)
      : HuberLossImpl(::duet::torch::reduction_name(options.reduction()), static_cast<float>(options.delta())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  float delta_;
};
TORCH_MODULE(HuberLoss);

/// 0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta (Huber divided by beta)
class SmoothL1LossImpl : public Loss {
 public:
  explicit SmoothL1LossImpl(const std::string& reduction = "mean", float beta = 1.0f);
  explicit SmoothL1LossImpl(const SmoothL1LossOptions& options)
      : SmoothL1LossImpl(::duet::torch::reduction_name(options.reduction()), static_cast<float>(options.beta())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  float beta_;
};
TORCH_MODULE(SmoothL1Loss);

/// Binary cross-entropy on probabilities; logs clamped at -100 as PyTorch does.
class BCELossImpl : public Loss {
 public:
  explicit BCELossImpl(const std::string& reduction = "mean") : Loss(reduction, "BCELoss") {}
  explicit BCELossImpl(const BCELossOptions& options) : BCELossImpl(::duet::torch::reduction_name(options.reduction())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};
TORCH_MODULE(BCELoss);

/// Binary cross-entropy on logits (sigmoid folded in, stable for any logit).
class BCEWithLogitsLossImpl : public Loss {
 public:
  explicit BCEWithLogitsLossImpl(const std::string& reduction = "mean") : Loss(reduction, "BCEWithLogitsLoss") {}
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options) : BCEWithLogitsLossImpl(::duet::torch::reduction_name(options.reduction())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};
TORCH_MODULE(BCEWithLogitsLoss);

/// Cross-entropy on logits [N, C]. The target is either class indices, shape [N] (integral
/// values in [0, C)), or class probabilities of the input's shape.
class CrossEntropyLossImpl : public Loss {
 public:
  explicit CrossEntropyLossImpl(const std::string& reduction = "mean") : Loss(reduction, "CrossEntropyLoss") {}
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions& options) : CrossEntropyLossImpl(::duet::torch::reduction_name(options.reduction())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};
TORCH_MODULE(CrossEntropyLoss);

/// Negative log-likelihood of log-probabilities [N, C] at class indices [N].
class NLLLossImpl : public Loss {
 public:
  explicit NLLLossImpl(const std::string& reduction = "mean") : Loss(reduction, "NLLLoss") {}
  explicit NLLLossImpl(const NLLLossOptions& options) : NLLLossImpl(::duet::torch::reduction_name(options.reduction())) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};
TORCH_MODULE(NLLLoss);

/// Class indices: an int64 tensor (torch::kLong) of shape [N], each in [0, classes). A float
/// tensor is refused naming both dtypes, as PyTorch refuses it. `loss` names the caller.
std::vector<std::int64_t> class_indices(const Tensor& target, std::int64_t classes, const char* loss);

}  // namespace duet::torch::nn
