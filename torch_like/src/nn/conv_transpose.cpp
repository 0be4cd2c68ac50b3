// torch.nn.ConvTranspose2d and F.conv_transpose2d on the core's transposed convolution.
#include "duet/torch/nn/conv_transpose.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/conv_transpose.h"
#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

namespace {

// Options PyTorch accepts and Duet does not compute, and PyTorch's own refusals, named by `op`.
void check_transpose_options(const ExpandingArray<2>& stride, const ExpandingArray<2>& padding,
                             const ExpandingArray<2>& output_padding, const ExpandingArray<2>& dilation,
                             std::int64_t groups, const std::string& op) {
  if (!dilation.all_equal(1)) {
    throw Error(fmt::format("{}: dilation={} is not supported by Duet (only 1)", op, dilation.tuple_str()));
  }
  if (groups != 1) throw Error(fmt::format("{}: groups={} is not supported by Duet (only 1)", op, groups));
  for (std::size_t i = 0; i < 2; ++i) {
    if (stride[i] <= 0) {
      throw Error(fmt::format("{}: non-positive stride is not supported, got stride={}", op, stride.tuple_str()));
    }
    if (padding[i] < 0) throw Error(fmt::format("{}: negative padding {} is not supported", op, padding.tuple_str()));
    // aten/src/ATen/native/ConvUtils.h: "output padding must be smaller than either stride or dilation".
    if (output_padding[i] < 0 || output_padding[i] >= stride[i]) {
      throw Error(fmt::format("{}: output padding must be smaller than either stride or dilation, got "
                              "output_padding={} with stride={} and dilation={}",
                              op, output_padding.tuple_str(), stride.tuple_str(), dilation.tuple_str()));
    }
  }
}

Tensor transpose_convolve(const Tensor& input, const Tensor& weight, const Tensor& bias,
                          const ExpandingArray<2>& stride, const ExpandingArray<2>& padding,
                          const ExpandingArray<2>& output_padding, const char* op) {
  if (input.rank() != 4) {
    throw Error(fmt::format("{}: Expected 4D (batched) input to {}, but got input of size: {}", op, op,
                            input.shape().str()));
  }
  return duet::conv_transpose2d(input, weight, bias, Extent2d{stride[0], stride[1]}, Extent2d{padding[0], padding[1]},
                                Extent2d{output_padding[0], output_padding[1]}, op);
}

}  // namespace

ConvTranspose2dImpl::ConvTranspose2dImpl(const ConvTranspose2dOptions& conv_options, Generator* generator)
    : options(conv_options) {
  if (options.in_channels() <= 0 || options.out_channels() <= 0) {
    throw Error(fmt::format(
        "ConvTranspose2d: in_channels and out_channels must be positive, got in_channels={}, out_channels={}",
        options.in_channels(), options.out_channels()));
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (options.kernel_size()[i] <= 0) {
      throw Error(fmt::format("ConvTranspose2d: kernel_size must be positive, got kernel_size={}",
                              options.kernel_size().tuple_str()));
    }
  }
  check_transpose_options(options.stride(), options.padding(), options.output_padding(), options.dilation(),
                          options.groups(), "ConvTranspose2d");
  weight = register_parameter("weight", Tensor::zeros({options.in_channels(), options.out_channels(),
                                                       options.kernel_size()[0], options.kernel_size()[1]}));
  if (options.bias()) bias = register_parameter("bias", Tensor::zeros({options.out_channels()}));
  reset_parameters(generator ? *generator : default_generator());
}

std::int64_t ConvTranspose2dImpl::fan_in() const {
  // init._calculate_fan_in_and_fan_out: size(1) x the receptive field; size(1) of [in, out, KH, KW]
  // is out_channels (groups 1).
  return options.out_channels() * options.kernel_size()[0] * options.kernel_size()[1];
}

void ConvTranspose2dImpl::reset_parameters(Generator& generator) {
  // torch/nn/modules/conv.py _ConvNd.reset_parameters(), shared by the transposed convolutions:
  // kaiming_uniform_(weight, a=math.sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const std::int64_t fan = fan_in();
  weight.mutable_data() = init::kaiming_uniform(weight.shape(), fan, std::sqrt(5.0f), generator).data();
  if (bias.defined()) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan));
    bias.mutable_data() = init::uniform(bias.shape(), -bound, bound, generator).data();
  }
}

Tensor ConvTranspose2dImpl::forward(const Tensor& input) {
  try {
    return transpose_convolve(input, weight, bias, options.stride(), options.padding(), options.output_padding(),
                              "conv_transpose2d");
  } catch (const Error& e) {
    throw Error(fmt::format("{}({}): {}", type_name(), extra_repr(), e.what()));
  }
}

std::string ConvTranspose2dImpl::extra_repr() const {
  // torch/nn/modules/conv.py _ConvNd.extra_repr: padding, output_padding, dilation and groups only
  // when not the default.
  std::string s = fmt::format("{}, {}, kernel_size={}, stride={}", options.in_channels(), options.out_channels(),
                              options.kernel_size().tuple_str(), options.stride().tuple_str());
  if (!options.padding().all_equal(0)) s += ", padding=" + options.padding().tuple_str();
  if (!options.output_padding().all_equal(0)) s += ", output_padding=" + options.output_padding().tuple_str();
  if (!bias.defined()) s += ", bias=False";
  return s;
}

namespace functional {

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options) {
  check_transpose_options(options.stride(), options.padding(), options.output_padding(), options.dilation(),
                          options.groups(), "conv_transpose2d");
  return transpose_convolve(input, weight, options.bias(), options.stride(), options.padding(),
                            options.output_padding(), "conv_transpose2d");
}

}  // namespace functional
}  // namespace duet::torch::nn
