/// @file
/// torch.nn.ConvTranspose2d (channels first: x [N, in, H, W], weight [in, out, KH, KW]) with
/// libtorch's options (torch/csrc/api/include/torch/nn/options/conv.h, ConvTransposeOptions):
///   torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(128, 64, 4).stride(2).padding(1).bias(false));
/// and the functional form torch::nn::functional::conv_transpose2d. The output is
/// [N, out, (H - 1) stride - 2 padding + kernel + output_padding, (likewise for W)].
#pragma once

#include <cstdint>
#include <string>

#include "duet/core/random.h"
#include "duet/torch/arg.h"
#include "duet/torch/expanding_array.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// ConvTransposeOptions<2>(in_channels, out_channels, kernel_size): libtorch's names and defaults.
template <std::size_t D>
struct ConvTransposeOptions {
  ConvTransposeOptions(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  /// number of channels in the input image
  DUET_TORCH_ARG(std::int64_t, in_channels);
  /// number of channels produced by the transposed convolution
  DUET_TORCH_ARG(std::int64_t, out_channels);
  /// size of the kernel
  DUET_TORCH_ARG(ExpandingArray<D>, kernel_size);
  /// stride of the transposed convolution (the upsampling factor)
  DUET_TORCH_ARG(ExpandingArray<D>, stride) = 1;
  /// kernel_size - 1 - padding zeros are added to both sides of the input: the output is cropped by
  /// `padding` on each side
  DUET_TORCH_ARG(ExpandingArray<D>, padding) = 0;
  /// extra rows / columns on the bottom / right of the output; smaller than the stride
  DUET_TORCH_ARG(ExpandingArray<D>, output_padding) = 0;
  /// blocked connections from input to output channels (Duet supports 1)
  DUET_TORCH_ARG(std::int64_t, groups) = 1;
  /// whether to learn an additive bias
  DUET_TORCH_ARG(bool, bias) = true;
  /// spacing between kernel elements (Duet supports 1)
  DUET_TORCH_ARG(ExpandingArray<D>, dilation) = 1;
};
/// Options of nn::ConvTranspose2d.
using ConvTranspose2dOptions = ConvTransposeOptions<2>;

/// torch.nn.ConvTranspose2d: x [N, in_channels, H, W] -> [N, out_channels, H_out, W_out].
class ConvTranspose2dImpl : public Module {
 public:
  /// ConvTranspose2d(in_channels, out_channels, kernel_size).
  ConvTranspose2dImpl(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<2> kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  /// Checks the options (PyTorch's errors) and initialises like PyTorch's
  /// _ConvNd.reset_parameters(): weight kaiming_uniform(a = sqrt(5)), then bias
  /// U(+-1/sqrt(fan_in)), drawn in that order from `generator` (the default generator when null).
  /// fan_in comes from the weight's dim 1: out_channels x prod(kernel_size) (see fan_in()).
  explicit ConvTranspose2dImpl(const ConvTranspose2dOptions& options, Generator* generator = nullptr);
  /// The transposed convolution of `input` ([N, in_channels, H, W]).
  Tensor forward(const Tensor& input) override;
  /// Redraws weight and bias as the constructor does.
  void reset_parameters(Generator& generator);
  /// out_channels x prod(kernel_size): init._calculate_fan_in_and_fan_out reads dim 1 of the
  /// weight [in, out, KH, KW], which for a transposed convolution is the output channels.
  std::int64_t fan_in() const;
  std::string type_name() const override { return "ConvTranspose2d"; }
  std::string extra_repr() const override;

  ConvTranspose2dOptions options;  ///< as given
  Tensor weight;                   ///< [in_channels, out_channels, KH, KW]
  Tensor bias;                     ///< [out_channels], undefined when bias = false
};
TORCH_MODULE(ConvTranspose2d);

namespace functional {

/// ConvTranspose2dFuncOptions().bias(b).stride(2).padding(1).output_padding(1): F.conv_transpose2d's
/// keyword arguments.
template <std::size_t D>
struct ConvTransposeFuncOptions {
  /// optional bias of shape [out_channels]
  DUET_TORCH_ARG(Tensor, bias) = Tensor();
  /// stride of the transposed convolution
  DUET_TORCH_ARG(ExpandingArray<D>, stride) = 1;
  /// output cropped by this much on each side
  DUET_TORCH_ARG(ExpandingArray<D>, padding) = 0;
  /// extra size on the bottom / right of the output
  DUET_TORCH_ARG(ExpandingArray<D>, output_padding) = 0;
  /// blocked connections (Duet supports 1)
  DUET_TORCH_ARG(std::int64_t, groups) = 1;
  /// spacing between kernel elements (Duet supports 1)
  DUET_TORCH_ARG(ExpandingArray<D>, dilation) = 1;
};
/// Options of functional::conv_transpose2d.
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;

/// F.conv_transpose2d: input [N, in, H, W], weight [in, out, KH, KW].
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options = {});

}  // namespace functional
}  // namespace duet::torch::nn
