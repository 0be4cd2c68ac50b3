/// @file
/// torch.nn.Conv1d and Conv2d (channels first: x [N, C, (H,) W], weight [out, in, (KH,) KW]) with
/// libtorch's options (torch/csrc/api/include/torch/nn/options/conv.h):
///   torch::nn::Conv2d conv(torch::nn::Conv2dOptions(1, 8, 3).stride(1).padding(torch::kSame));
/// and the functional forms torch::nn::functional::conv1d / conv2d.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "duet/core/random.h"
#include "duet/torch/arg.h"
#include "duet/torch/expanding_array.h"
#include "duet/torch/nn/module.h"

namespace duet::torch {

namespace enumtype {
struct kValid {};  ///< padding='valid': no padding
struct kSame {};   ///< padding='same': output as long as the input (stride 1 only)
}  // namespace enumtype

inline constexpr enumtype::kValid kValid{};
inline constexpr enumtype::kSame kSame{};

namespace nn {

/// Padding of a convolution: per-axis sizes (one int for all), torch::kValid or torch::kSame.
template <std::size_t D>
using conv_padding_t = std::variant<ExpandingArray<D>, enumtype::kValid, enumtype::kSame>;

/// ConvOptions<2>(in_channels, out_channels, kernel_size): libtorch's names and defaults.
template <std::size_t D>
struct ConvOptions {
  /// How padding is given: sizes, kValid or kSame.
  using padding_t = conv_padding_t<D>;
  ConvOptions(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  /// number of channels in the input image
  DUET_TORCH_ARG(std::int64_t, in_channels);
  /// number of channels produced by the convolution
  DUET_TORCH_ARG(std::int64_t, out_channels);
  /// size of the convolving kernel
  DUET_TORCH_ARG(ExpandingArray<D>, kernel_size);
  /// stride of the convolution
  DUET_TORCH_ARG(ExpandingArray<D>, stride) = 1;
  /// zero padding on both sides (an int or one per axis), or torch::kValid / torch::kSame
  DUET_TORCH_ARG(padding_t, padding) = ExpandingArray<D>(0);
  /// spacing between kernel elements (Duet supports 1)
  DUET_TORCH_ARG(ExpandingArray<D>, dilation) = 1;
  /// blocked connections from input to output channels (Duet supports 1)
  DUET_TORCH_ARG(std::int64_t, groups) = 1;
  /// whether to learn an additive bias
  DUET_TORCH_ARG(bool, bias) = true;

 public:
  /// `.padding({1, 2})`: one size per axis.
  ConvOptions& padding(std::initializer_list<std::int64_t> sizes) {
    padding_ = ExpandingArray<D>(sizes);
    return *this;
  }
};
/// Options of nn::Conv1d.
using Conv1dOptions = ConvOptions<1>;
/// Options of nn::Conv2d.
using Conv2dOptions = ConvOptions<2>;

/// The convolution module of D spatial dimensions; Conv1dImpl and Conv2dImpl name it.
template <std::size_t D>
class ConvNdImpl : public Module {
 public:
  /// Checks the options (PyTorch's errors) and initialises like PyTorch's
  /// _ConvNd.reset_parameters(): weight kaiming_uniform(a = sqrt(5)) with
  /// fan_in = in_channels x prod(kernel_size), then bias U(+-1/sqrt(fan_in)), drawn in that
  /// order from `generator` (the default generator when null).
  explicit ConvNdImpl(const ConvOptions<D>& options, Generator* generator = nullptr);
  /// The convolution of `input` ([N, C, (H,) W]).
  Tensor forward(const Tensor& input) override;
  /// Redraws weight and bias as the constructor does.
  void reset_parameters(Generator& generator);
  /// in_channels x prod(kernel_size): the fan_in of PyTorch's initialisation.
  std::int64_t fan_in() const;

  ConvOptions<D> options;  ///< as given
  Tensor weight;           ///< [out_channels, in_channels, kernel_size...]
  Tensor bias;             ///< [out_channels], undefined when bias = false

  std::string extra_repr() const override;
};

/// torch.nn.Conv1d: x [N, C, L] -> [N, out_channels, L_out].
class Conv1dImpl : public ConvNdImpl<1> {
 public:
  /// Conv1d(in_channels, out_channels, kernel_size).
  Conv1dImpl(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<1> kernel_size)
      : ConvNdImpl<1>(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  /// Conv1d(Conv1dOptions(...)), optionally drawing from `generator`.
  explicit Conv1dImpl(const Conv1dOptions& opts, Generator* generator = nullptr) : ConvNdImpl<1>(opts, generator) {}
  std::string type_name() const override { return "Conv1d"; }
};
TORCH_MODULE(Conv1d);

/// torch.nn.Conv2d: x [N, C, H, W] -> [N, out_channels, H_out, W_out].
class Conv2dImpl : public ConvNdImpl<2> {
 public:
  /// Conv2d(in_channels, out_channels, kernel_size).
  Conv2dImpl(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<2> kernel_size)
      : ConvNdImpl<2>(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  /// Conv2d(Conv2dOptions(...)), optionally drawing from `generator`.
  explicit Conv2dImpl(const Conv2dOptions& opts, Generator* generator = nullptr) : ConvNdImpl<2>(opts, generator) {}
  std::string type_name() const override { return "Conv2d"; }
};
TORCH_MODULE(Conv2d);

namespace functional {

/// ConvFuncOptions<2>().bias(b).stride(2).padding(1): F.conv2d's keyword arguments.
template <std::size_t D>
struct ConvFuncOptions {
  /// How padding is given: sizes, kValid or kSame.
  using padding_t = conv_padding_t<D>;
  /// optional bias of shape [out_channels]
  DUET_TORCH_ARG(Tensor, bias) = Tensor();
  /// stride of the convolution
  DUET_TORCH_ARG(ExpandingArray<D>, stride) = 1;
  /// zero padding on both sides, or torch::kValid / torch::kSame
  DUET_TORCH_ARG(padding_t, padding) = ExpandingArray<D>(0);
  /// spacing between kernel elements (Duet supports 1)
  DUET_TORCH_ARG(ExpandingArray<D>, dilation) = 1;
  /// blocked connections (Duet supports 1)
  DUET_TORCH_ARG(std::int64_t, groups) = 1;
};
/// Options of functional::conv1d.
using Conv1dFuncOptions = ConvFuncOptions<1>;
/// Options of functional::conv2d.
using Conv2dFuncOptions = ConvFuncOptions<2>;

/// F.conv1d: input [N, C, L], weight [out, C, K].
Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
/// F.conv2d: input [N, C, H, W], weight [out, C, KH, KW].
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace duet::torch
