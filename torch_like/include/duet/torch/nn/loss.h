// Loss modules with PyTorch's `reduction` argument: "none" | "mean" (the default) | "sum".
#pragma once

#include <string>

#include "duet/core/loss.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

// The common part: the reduction, parsed and checked once.
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

// (input - target)^2
class MSELoss : public Loss {
 public:
  explicit MSELoss(const std::string& reduction = "mean") : Loss(reduction, "MSELoss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

// |input - target|
class L1Loss : public Loss {
 public:
  explicit L1Loss(const std::string& reduction = "mean") : Loss(reduction, "L1Loss") {}
  Tensor forward(const Tensor& input, const Tensor& target) const override;
};

// 0.5 d^2 for |d| <= delta, else delta (|d| - 0.5 delta)
class HuberLoss : public Loss {
 public:
  explicit HuberLoss(const std::string& reduction = "mean", float delta = 1.0f);
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  float delta_;
};

// 0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta (Huber divided by beta)
class SmoothL1Loss : public Loss {
 public:
  explicit SmoothL1Loss(const std::string& reduction = "mean", float beta = 1.0f);
  Tensor forward(const Tensor& input, const Tensor& target) const override;

 private:
  float beta_;
};

}  // namespace duet::torch::nn
