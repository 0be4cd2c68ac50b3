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
using NLLLossOptions = LossReductionOptions;

/// BCELossOptions().weight(w): w multiplies each element's loss (broadcast over rows); the mean
/// still divides by the number of elements.
struct BCELossOptions : LossReductionOptions {
  using LossReductionOptions::LossReductionOptions;
  /// per-element rescaling, broadcast against the input
  BCELossOptions& weight(Tensor value) {
    weight_ = std::move(value);
    return *this;
  }
  /// the weight, or an undefined tensor
  const Tensor& weight() const noexcept { return weight_; }
  using LossReductionOptions::reduction;
  /// sets the reduction, keeping the builder's type
  BCELossOptions& reduction(const reduction_t& value) {
    LossReductionOptions::reduction(value);
    return *this;
  }

 private:
  Tensor weight_;
};

/// BCEWithLogitsLossOptions().weight(w).pos_weight(p): pos_weight multiplies the positive term,
/// w ((1 - y) z + (1 + (p - 1) y) softplus(-z)) (torch.nn.BCEWithLogitsLoss).
struct BCEWithLogitsLossOptions : LossReductionOptions {
  using LossReductionOptions::LossReductionOptions;
  /// per-element rescaling, broadcast against the input
  BCEWithLogitsLossOptions& weight(Tensor value) {
    weight_ = std::move(value);
    return *this;
  }
  /// the weight, or an undefined tensor
  const Tensor& weight() const noexcept { return weight_; }
  /// weight of positive examples, one per output column
  BCEWithLogitsLossOptions& pos_weight(Tensor value) {
    pos_weight_ = std::move(value);
    return *this;
  }
  /// the positive weight, or an undefined tensor
  const Tensor& pos_weight() const noexcept { return pos_weight_; }
  using LossReductionOptions::reduction;
  /// sets the reduction, keeping the builder's type
  BCEWithLogitsLossOptions& reduction(const reduction_t& value) {
    LossReductionOptions::reduction(value);
    return *this;
  }

 private:
  Tensor weight_, pos_weight_;
};

/// CrossEntropyLossOptions().weight(w).ignore_index(-100).label_smoothing(0.1)
/// (torch.nn.CrossEntropyLoss; aten/src/ATen/native/LossNLL.cpp). With class weights the mean
/// divides by the sum of the weights of the samples' classes.
struct CrossEntropyLossOptions : LossReductionOptions {
  using LossReductionOptions::LossReductionOptions;
  /// one weight per class
  CrossEntropyLossOptions& weight(Tensor value) {
    weight_ = std::move(value);
    return *this;
  }
  /// the class weights, or an undefined tensor
  const Tensor& weight() const noexcept { return weight_; }
  /// a class index whose samples are left out (class-index targets only)
  CrossEntropyLossOptions& ignore_index(std::int64_t value) {
    ignore_index_ = value;
    return *this;
  }
  /// the ignored index
  std::int64_t ignore_index() const noexcept { return ignore_index_; }
  /// mixes the target with the uniform distribution, in [0, 1]
  CrossEntropyLossOptions& label_smoothing(double value) {
    label_smoothing_ = value;
    return *this;
  }
  /// the smoothing
  double label_smoothing() const noexcept { return label_smoothing_; }
  using LossReductionOptions::reduction;
  /// sets the reduction, keeping the builder's type
  CrossEntropyLossOptions& reduction(const reduction_t& value) {
    LossReductionOptions::reduction(value);
    return *this;
  }

 private:
  Tensor weight_;
  std::int64_t ignore_index_ = -100;
  double label_smoothing_ = 0.0;
};

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

// A loss takes (input, target), as in libtorch; hiding Module's one-tensor forward is the point
// (calling a loss with one tensor stays a compile error), so clang's -Woverloaded-virtual is
// silenced for this class only.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Woverloaded-virtual"
#endif
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
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

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
  explicit BCELossImpl(const BCELossOptions& options)
      : Loss(::duet::torch::reduction_name(options.reduction()), "BCELoss"), weight_(options.weight()) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  Tensor weight_;
};
TORCH_MODULE(BCELoss);

/// Binary cross-entropy on logits (sigmoid folded in, stable for any logit).
class BCEWithLogitsLossImpl : public Loss {
 public:
  explicit BCEWithLogitsLossImpl(const std::string& reduction = "mean") : Loss(reduction, "BCEWithLogitsLoss") {}
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options)
      : Loss(::duet::torch::reduction_name(options.reduction()), "BCEWithLogitsLoss"),
        weight_(options.weight()),
        pos_weight_(options.pos_weight()) {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  Tensor weight_, pos_weight_;
};
TORCH_MODULE(BCEWithLogitsLoss);

/// Cross-entropy on logits [N, C]. The target is either class indices, shape [N] (integral
/// values in [0, C)), or class probabilities of the input's shape.
class CrossEntropyLossImpl : public Loss {
 public:
  explicit CrossEntropyLossImpl(const std::string& reduction = "mean") : Loss(reduction, "CrossEntropyLoss") {}
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions& options);
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  std::vector<float> weight_;  ///< empty: every class weighs 1
  std::int64_t ignore_index_ = -100;
  float label_smoothing_ = 0.0f;
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
