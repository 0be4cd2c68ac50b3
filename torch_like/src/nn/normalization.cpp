// torch.nn.BatchNorm1d / BatchNorm2d / LayerNorm: buffers, modes and the running-statistics
// bookkeeping of torch/nn/modules/batchnorm.py; the arithmetic is nn::functional's.
#include "duet/torch/nn/normalization.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/torch/nn/functional.h"
#include "python_float.h"

namespace duet::torch::nn {

namespace {

void check_eps(double eps, const char* module) {
  if (!(eps >= 0) || !std::isfinite(eps)) {
    throw Error(fmt::format("{}: eps must be a finite number >= 0, got {:g}", module, eps));
  }
}

}  // namespace

BatchNormImplBase::BatchNormImplBase(const BatchNormOptions& opts) : options(opts) {
  if (options.num_features() <= 0) {
    throw Error(fmt::format("BatchNorm: num_features must be positive, got {}", options.num_features()));
  }
  check_eps(options.eps(), "BatchNorm");
  if (options.momentum() && (!(*options.momentum() >= 0) || !std::isfinite(*options.momentum()))) {
    throw Error(fmt::format("BatchNorm: momentum must be a finite number >= 0 (the weight of the new value), got {:g}",
                            *options.momentum()));
  }
  const std::int64_t c = options.num_features();
  if (options.affine()) {
    weight = register_parameter("weight", Tensor::ones({c}));
    bias = register_parameter("bias", Tensor::zeros({c}));
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", Tensor::zeros({c}));
    running_var = register_buffer("running_var", Tensor::ones({c}));
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor::zeros({}));
    num_batches_tracked.impl().dtype = DType::int64;
  }
}

void BatchNormImplBase::reset_running_stats() {
  if (!options.track_running_stats()) return;
  running_mean.mutable_data().setZero();
  running_var.mutable_data().setOnes();
  num_batches_tracked.mutable_data().setZero();
}

void BatchNormImplBase::reset_parameters() {
  reset_running_stats();
  if (!options.affine()) return;
  weight.mutable_data().setOnes();
  bias.mutable_data().setZero();
}

Tensor BatchNormImplBase::forward(const Tensor& input) {
  check_input_dim(input);
  if (input.shape()[1] != options.num_features()) {
    throw Error(fmt::format("{}: running_mean should contain {} elements not {} (input {} has {} channels in dim 1)",
                            type_name(), input.shape()[1], options.num_features(), input.shape().str(),
                            input.shape()[1]));
  }
  // torch/nn/modules/batchnorm.py _BatchNorm.forward: a training step counts the batch and
  // weighs it by momentum, or by 1 / num_batches_tracked (a cumulative average) without one.
  double factor = options.momentum().value_or(0.0);
  const bool tracking = options.track_running_stats();
  if (is_training() && tracking) {
    num_batches_tracked.mutable_data()[0] += 1;
    if (!options.momentum()) factor = 1.0 / static_cast<double>(num_batches_tracked.data()[0]);
  }
  // Batch statistics in training, or always when no running statistics are kept.
  // Without track_running_stats the buffers are undefined, so nothing is updated.
  const bool batch_stats = is_training() || !tracking;
  return functional::batch_norm(input, running_mean, running_var, weight, bias, batch_stats, factor, options.eps());
}

std::string BatchNormImplBase::extra_repr() const {
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}", options.num_features(),
                     python_float(options.eps()), options.momentum() ? python_float(*options.momentum()) : "None",
                     options.affine() ? "True" : "False", options.track_running_stats() ? "True" : "False");
}

void BatchNorm1dImpl::check_input_dim(const Tensor& input) const {
  if (input.rank() != 2 && input.rank() != 3) {
    throw Error(fmt::format("BatchNorm1d: expected 2D or 3D input (got {}D input)", input.rank()));
  }
}

void BatchNorm2dImpl::check_input_dim(const Tensor& input) const {
  if (input.rank() != 4) throw Error(fmt::format("BatchNorm2d: expected 4D input (got {}D input)", input.rank()));
}

LayerNormImpl::LayerNormImpl(const LayerNormOptions& opts) : options(opts) {
  const auto& shape = options.normalized_shape();
  if (shape.size() != 1 || shape[0] <= 0) {
    throw Error(fmt::format("LayerNorm: Duet normalises over the last dim only: normalized_shape must be one positive "
                            "size such as {{4}}, got [{}]",
                            fmt::join(shape, ", ")));
  }
  check_eps(options.eps(), "LayerNorm");
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", Tensor::ones({shape[0]}));
    bias = register_parameter("bias", Tensor::zeros({shape[0]}));
  }
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  weight.mutable_data().setOnes();
  bias.mutable_data().setZero();
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return functional::layer_norm(input, options.normalized_shape(), weight, bias, options.eps());
}

std::string LayerNormImpl::extra_repr() const {
  return fmt::format("({},), eps={}, elementwise_affine={}", options.normalized_shape()[0], python_float(options.eps()),
                     options.elementwise_affine() ? "True" : "False");
}

}  // namespace duet::torch::nn
