/// @file
/// torch.nn.BatchNorm1d, BatchNorm2d and LayerNorm, with PyTorch's defaults
/// (torch/nn/modules/batchnorm.py, normalization.py): momentum 0.1 on the NEW value, eps 1e-5,
/// the unbiased batch variance averaged into running_var. Training mode normalises with the
/// batch's statistics and updates the buffers; eval() switches to the running statistics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "duet/torch/arg.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// BatchNormOptions(3).momentum(0.01).eps(1e-3).affine(false).track_running_stats(false)
struct BatchNormOptions {
  BatchNormOptions(std::int64_t num_features) : num_features_(num_features) {}  // NOLINT: implicit, as libtorch
  /// C, the channel count of inputs [N, C, ...]
  DUET_TORCH_ARG(std::int64_t, num_features);
  /// added to the variance before its square root
  DUET_TORCH_ARG(double, eps) = 1e-5;
  /// the weight of the NEW batch value in the running averages (Keras' momentum 0.99 is the
  /// weight of the OLD value: the same as 0.01 here); nullopt: a cumulative average
  DUET_TORCH_ARG(std::optional<double>, momentum) = 0.1;
  /// learnable weight (ones) and bias (zeros)
  DUET_TORCH_ARG(bool, affine) = true;
  /// keep running_mean / running_var / num_batches_tracked; without them eval() uses batch statistics
  DUET_TORCH_ARG(bool, track_running_stats) = true;
};

/// What BatchNorm1d and BatchNorm2d share: parameters weight, bias; buffers running_mean (zeros),
/// running_var (ones), num_batches_tracked (an int64 scalar), in that order.
class BatchNormImplBase : public Module {
 public:
  explicit BatchNormImplBase(const BatchNormOptions& opts);
  Tensor forward(const Tensor& input) override;
  /// running_mean = 0, running_var = 1, num_batches_tracked = 0.
  void reset_running_stats();
  /// Running statistics reset, weight = 1, bias = 0.
  void reset_parameters();
  std::string extra_repr() const override;

  BatchNormOptions options;
  Tensor weight, bias;                                        ///< [C]; undefined without affine
  Tensor running_mean, running_var, num_batches_tracked;     ///< undefined without track_running_stats

 protected:
  /// Throws PyTorch's "expected 2D or 3D input (got 4D input)" for a wrong rank.
  virtual void check_input_dim(const Tensor& input) const = 0;
};

/// Over [N, C] or [N, C, L].
class BatchNorm1dImpl : public BatchNormImplBase {
 public:
  using BatchNormImplBase::BatchNormImplBase;
  std::string type_name() const override { return "BatchNorm1d"; }

 protected:
  void check_input_dim(const Tensor& input) const override;
};
TORCH_MODULE(BatchNorm1d);

/// Over [N, C, H, W].
class BatchNorm2dImpl : public BatchNormImplBase {
 public:
  using BatchNormImplBase::BatchNormImplBase;
  std::string type_name() const override { return "BatchNorm2d"; }

 protected:
  void check_input_dim(const Tensor& input) const override;
};
TORCH_MODULE(BatchNorm2d);

/// LayerNormOptions({4}).eps(1e-3).elementwise_affine(false)
struct LayerNormOptions {
  LayerNormOptions(std::vector<std::int64_t> normalized_shape)  // NOLINT: implicit, as libtorch
      : normalized_shape_(std::move(normalized_shape)) {}
  /// the trailing sizes normalised over; Duet supports one (the last dim)
  DUET_TORCH_ARG(std::vector<std::int64_t>, normalized_shape);
  /// added to the variance before its square root (Keras' LayerNormalization: 1e-3)
  DUET_TORCH_ARG(double, eps) = 1e-5;
  /// learnable weight (ones) and bias (zeros) of normalized_shape
  DUET_TORCH_ARG(bool, elementwise_affine) = true;
};

/// Normalises each row over the last dim with its own mean and biased variance.
class LayerNormImpl : public Module {
 public:
  explicit LayerNormImpl(const LayerNormOptions& opts);
  Tensor forward(const Tensor& input) override;
  void reset_parameters();
  std::string type_name() const override { return "LayerNorm"; }
  std::string extra_repr() const override;

  LayerNormOptions options;
  Tensor weight, bias;  ///< normalized_shape; undefined without elementwise_affine
};
TORCH_MODULE(LayerNorm);

}  // namespace duet::torch::nn
