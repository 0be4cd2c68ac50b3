/// @file
/// Loss modules with PyTorch's `reduction` argument: "none" | "mean" (the default) | "sum".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duet/core/loss.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// The common part: the reduction, parsed and checked once.
class Loss {
 public:
  explicit Loss(const std::string& reduction, const char* type_name);
  virtual ~Loss() = default;
  virtual Tensor forward(const Tensor& input, const Tensor& target) const = 0;
  Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
  const std::string& reduction_name() const { return reduction_name_; }

 protected:
  duet::Reduction reduction() const { return reduction_; }

 private:
  std::string reduction_name_;
  duet::Reduction reduction_;
};

/// (input - target)^2
class MSELoss : public Loss {
 public:
  explicit MSELoss(const std::string& reduction = "mean") : Loss(reduction, "MSELoss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

/// |input - target|
class L1Loss : public Loss {
 public:
  explicit L1Loss(const std::string& reduction = "mean") : Loss(reduction, "L1Loss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

/// 0.5 d^2 for |d| <= delta, else delta (|d| - 0.5 delta)
class HuberLoss : public Loss {
 public:
  explicit HuberLoss(const std::string& reduction = "mean", float delta = 1.0f);
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  float delta_;
};

/// 0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta (Huber divided by beta)
class SmoothL1Loss : public Loss {
 public:
  explicit SmoothL1Loss(const std::string& reduction = "mean", float beta = 1.0f);
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  float beta_;
};

/// Binary cross-entropy on probabilities; logs clamped at -100 as PyTorch does.
class BCELoss : public Loss {
 public:
  explicit BCELoss(const std::string& reduction = "mean") : Loss(reduction, "BCELoss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

/// Binary cross-entropy on logits (sigmoid folded in, stable for any logit).
class BCEWithLogitsLoss : public Loss {
 public:
  explicit BCEWithLogitsLoss(const std::string& reduction = "mean") : Loss(reduction, "BCEWithLogitsLoss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

/// Cross-entropy on logits [N, C]. The target is either class indices, shape [N] (integral
/// values in [0, C)), or class probabilities of the input's shape.
class CrossEntropyLoss : public Loss {
 public:
  explicit CrossEntropyLoss(const std::string& reduction = "mean") : Loss(reduction, "CrossEntropyLoss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

/// Negative log-likelihood of log-probabilities [N, C] at class indices [N].
class NLLLoss : public Loss {
 public:
  explicit NLLLoss(const std::string& reduction = "mean") : Loss(reduction, "NLLLoss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

/// Class indices held in a float tensor of shape [N] (PyTorch would use a LongTensor); each must
/// be a whole number in [0, classes). `loss` names the caller in errors.
std::vector<std::int64_t> class_indices(const Tensor& target, std::int64_t classes, const char* loss);

}  // namespace duet::torch::nn
