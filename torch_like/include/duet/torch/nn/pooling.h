/// @file
/// torch.nn.MaxPool1d/2d, AvgPool1d/2d and AdaptiveAvgPool2d (channels first) with libtorch's
/// options (torch/csrc/api/include/torch/nn/options/pooling.h), and their functional forms:
///   torch::nn::MaxPool2d pool(torch::nn::MaxPool2dOptions(2));   // stride defaults to the kernel
///   torch::nn::functional::avg_pool2d(x, torch::nn::functional::AvgPool2dFuncOptions(2).padding(1));
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "duet/torch/arg.h"
#include "duet/torch/expanding_array.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// MaxPoolOptions<2>(kernel_size): stride defaults to kernel_size, as in PyTorch.
template <std::size_t D>
struct MaxPoolOptions {
  MaxPoolOptions(ExpandingArray<D> kernel_size)  // NOLINT: implicit, as in libtorch
      : kernel_size_(kernel_size), stride_(kernel_size) {}
  /// the size of the window to take a max over
  DUET_TORCH_ARG(ExpandingArray<D>, kernel_size);
  /// the stride of the window (default: kernel_size)
  DUET_TORCH_ARG(ExpandingArray<D>, stride);
  /// implicit -infinity padding on both sides, at most half the kernel
  DUET_TORCH_ARG(ExpandingArray<D>, padding) = 0;
  /// spacing between window elements (Duet supports 1)
  DUET_TORCH_ARG(ExpandingArray<D>, dilation) = 1;
  /// ceil instead of floor for the output size (Duet supports false)
  DUET_TORCH_ARG(bool, ceil_mode) = false;
};
/// Options of nn::MaxPool1d.
using MaxPool1dOptions = MaxPoolOptions<1>;
/// Options of nn::MaxPool2d.
using MaxPool2dOptions = MaxPoolOptions<2>;

/// AvgPoolOptions<2>(kernel_size): stride defaults to kernel_size, count_include_pad to true.
template <std::size_t D>
struct AvgPoolOptions {
  AvgPoolOptions(ExpandingArray<D> kernel_size)  // NOLINT: implicit, as in libtorch
      : kernel_size_(kernel_size), stride_(kernel_size) {}
  /// the size of the window
  DUET_TORCH_ARG(ExpandingArray<D>, kernel_size);
  /// the stride of the window (default: kernel_size)
  DUET_TORCH_ARG(ExpandingArray<D>, stride);
  /// implicit zero padding on both sides, at most half the kernel
  DUET_TORCH_ARG(ExpandingArray<D>, padding) = 0;
  /// ceil instead of floor for the output size (Duet supports false)
  DUET_TORCH_ARG(bool, ceil_mode) = false;
  /// whether padded zeros count in the divisor (PyTorch's default: true)
  DUET_TORCH_ARG(bool, count_include_pad) = true;
};
/// Options of nn::AvgPool1d.
using AvgPool1dOptions = AvgPoolOptions<1>;
/// Options of nn::AvgPool2d.
using AvgPool2dOptions = AvgPoolOptions<2>;

/// AdaptiveAvgPool2dOptions(1): Duet supports the output size 1 (global average pooling).
struct AdaptiveAvgPool2dOptions {
  AdaptiveAvgPool2dOptions(ExpandingArray<2> output_size)  // NOLINT: implicit, as in libtorch
      : output_size_(output_size) {}
  /// the target output size (H_out, W_out)
  DUET_TORCH_ARG(ExpandingArray<2>, output_size);
};

/// Max pooling over D spatial axes: [N, C, (H,) W] -> [N, C, (H_out,) W_out].
template <std::size_t D>
class MaxPoolNdImpl : public Module {
 public:
  /// Checks the options with PyTorch's rules.
  explicit MaxPoolNdImpl(const MaxPoolOptions<D>& options);
  /// The pooled input.
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  MaxPoolOptions<D> options;  ///< as given
};

/// Average pooling over D spatial axes: [N, C, (H,) W] -> [N, C, (H_out,) W_out].
template <std::size_t D>
class AvgPoolNdImpl : public Module {
 public:
  /// Checks the options with PyTorch's rules.
  explicit AvgPoolNdImpl(const AvgPoolOptions<D>& options);
  /// The pooled input.
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  AvgPoolOptions<D> options;  ///< as given
};

/// torch.nn.MaxPool1d.
class MaxPool1dImpl : public MaxPoolNdImpl<1> {
 public:
  using MaxPoolNdImpl<1>::MaxPoolNdImpl;
  std::string type_name() const override { return "MaxPool1d"; }
};
TORCH_MODULE(MaxPool1d);

/// torch.nn.MaxPool2d.
class MaxPool2dImpl : public MaxPoolNdImpl<2> {
 public:
  using MaxPoolNdImpl<2>::MaxPoolNdImpl;
  std::string type_name() const override { return "MaxPool2d"; }
};
TORCH_MODULE(MaxPool2d);

/// torch.nn.AvgPool1d.
class AvgPool1dImpl : public AvgPoolNdImpl<1> {
 public:
  using AvgPoolNdImpl<1>::AvgPoolNdImpl;
  std::string type_name() const override { return "AvgPool1d"; }
};
TORCH_MODULE(AvgPool1d);

/// torch.nn.AvgPool2d.
class AvgPool2dImpl : public AvgPoolNdImpl<2> {
 public:
  using AvgPoolNdImpl<2>::AvgPoolNdImpl;
  std::string type_name() const override { return "AvgPool2d"; }
};
TORCH_MODULE(AvgPool2d);

/// torch.nn.AdaptiveAvgPool2d with output size 1: [N, C, H, W] -> [N, C, 1, 1].
class AdaptiveAvgPool2dImpl : public Module {
 public:
  /// Refuses output sizes other than 1, which Duet does not compute.
  explicit AdaptiveAvgPool2dImpl(const AdaptiveAvgPool2dOptions& options);
  /// The mean over each channel's H x W positions.
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "AdaptiveAvgPool2d"; }
  std::string extra_repr() const override;
  AdaptiveAvgPool2dOptions options;  ///< as given
};
TORCH_MODULE(AdaptiveAvgPool2d);

/// AdaptiveAvgPool1dOptions(1): Duet supports the output size 1.
struct AdaptiveAvgPool1dOptions {
  AdaptiveAvgPool1dOptions(ExpandingArray<1> output_size)  // NOLINT: implicit, as in libtorch
      : output_size_(output_size) {}
  /// the target output length
  DUET_TORCH_ARG(ExpandingArray<1>, output_size);
};

/// AdaptiveMaxPool2dOptions(1): Duet supports the output size 1.
struct AdaptiveMaxPool2dOptions {
  AdaptiveMaxPool2dOptions(ExpandingArray<2> output_size)  // NOLINT: implicit, as in libtorch
      : output_size_(output_size) {}
  /// the target output size (H_out, W_out)
  DUET_TORCH_ARG(ExpandingArray<2>, output_size);
};

/// torch.nn.AdaptiveAvgPool1d with output size 1: [N, C, L] -> [N, C, 1].
class AdaptiveAvgPool1dImpl : public Module {
 public:
  /// Refuses output sizes other than 1.
  explicit AdaptiveAvgPool1dImpl(const AdaptiveAvgPool1dOptions& options);
  /// The mean over each channel's L positions.
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "AdaptiveAvgPool1d"; }
  std::string extra_repr() const override { return "output_size=1"; }
  AdaptiveAvgPool1dOptions options;  ///< as given
};
TORCH_MODULE(AdaptiveAvgPool1d);

/// torch.nn.AdaptiveMaxPool2d with output size 1: [N, C, H, W] -> [N, C, 1, 1]; the gradient
/// goes to the first maximum.
class AdaptiveMaxPool2dImpl : public Module {
 public:
  /// Refuses output sizes other than 1.
  explicit AdaptiveMaxPool2dImpl(const AdaptiveMaxPool2dOptions& options);
  /// The maximum over each channel's H x W positions.
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "AdaptiveMaxPool2d"; }
  std::string extra_repr() const override { return "output_size=1"; }
  AdaptiveMaxPool2dOptions options;  ///< as given
};
TORCH_MODULE(AdaptiveMaxPool2d);

namespace functional {
/// F.max_pool1d's options.
using MaxPool1dFuncOptions = MaxPool1dOptions;
/// F.max_pool2d's options.
using MaxPool2dFuncOptions = MaxPool2dOptions;
/// F.avg_pool1d's options.
using AvgPool1dFuncOptions = AvgPool1dOptions;
/// F.avg_pool2d's options.
using AvgPool2dFuncOptions = AvgPool2dOptions;
/// F.adaptive_avg_pool2d's options.
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;

/// F.max_pool1d on [N, C, L].
Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options);
/// F.max_pool2d on [N, C, H, W].
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
/// F.avg_pool1d on [N, C, L].
Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options);
/// F.avg_pool2d on [N, C, H, W].
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
/// F.adaptive_avg_pool2d with output size 1.
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);
}  // namespace functional

}  // namespace duet::torch::nn

namespace duet::torch {

/// torch::max_pool2d(input, kernel_size, stride = kernel_size, padding = 0, dilation = 1,
/// ceil_mode = false): libtorch's namespace-level form of F.max_pool2d on [N, C, H, W]
/// (`torch::max_pool2d(x, 2)`). An empty stride means the kernel size, as in libtorch.
Tensor max_pool2d(const Tensor& input, ExpandingArray<2> kernel_size,
                  std::optional<ExpandingArray<2>> stride = std::nullopt, ExpandingArray<2> padding = 0,
                  ExpandingArray<2> dilation = 1, bool ceil_mode = false);

}  // namespace duet::torch
