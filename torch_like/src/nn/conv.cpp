// torch.nn.Conv1d / Conv2d and F.conv1d / conv2d on the core's channels-first convolution.
#include "duet/torch/nn/conv.h"

#include <fmt/format.h>

#include <cmath>

#include "conv_padding.h"
#include "duet/core/conv.h"
#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

namespace {

// Options PyTorch accepts and Duet does not compute: said once, in PyTorch's words.
template <std::size_t D>
void require_supported(const ExpandingArray<D>& dilation, std::int64_t groups, const char* op) {
  if (!dilation.all_equal(1)) {
    throw Error(fmt::format("{}: dilation={} is not supported by Duet (only 1)", op, dilation.tuple_str()));
  }
  if (groups != 1) throw Error(fmt::format("{}: groups={} is not supported by Duet (only 1)", op, groups));
}

// x * weight (+ bias) with PyTorch's padding forms, channels first.
template <std::size_t D>
Tensor convolve(const Tensor& input, const Tensor& weight, const Tensor& bias, const ExpandingArray<D>& stride,
                const conv_padding_t<D>& padding, const char* op) {
  if (input.rank() != static_cast<int>(D) + 2) {
    throw Error(fmt::format("{}: Expected {}D (batched) input to {}, but got input of size: {}", op, D + 2, op,
                            input.shape().str()));
  }
  if (weight.rank() != static_cast<int>(D) + 2) {
    throw Error(fmt::format("{}: weight must be {}D [out_channels, in_channels, kernel...], got {}", op, D + 2,
                            weight.shape().str()));
  }
  const auto pads = detail::conv_padding<D>(padding, stride, input.shape(), weight.shape(), op);
  if constexpr (D == 1) {
    return duet::conv1d(input, weight, bias, stride[0], pads[0], ChannelLayout::channels_first);
  } else {
    return duet::conv2d(input, weight, bias, Extent2d{stride[0], stride[1]}, Padding2d{pads[0], pads[1]},
                        ChannelLayout::channels_first);
  }
}

}  // namespace

template <std::size_t D>
ConvNdImpl<D>::ConvNdImpl(const ConvOptions<D>& conv_options, Generator* generator) : options(conv_options) {
  const char* name = D == 1 ? "Conv1d" : "Conv2d";
  if (options.in_channels() <= 0 || options.out_channels() <= 0) {
    throw Error(fmt::format("{}: in_channels and out_channels must be positive, got in_channels={}, out_channels={}",
                            name, options.in_channels(), options.out_channels()));
  }
  for (std::size_t i = 0; i < D; ++i) {
    if (options.kernel_size()[i] <= 0) {
      throw Error(fmt::format("{}: kernel_size must be positive, got kernel_size={}", name,
                              options.kernel_size().tuple_str()));
    }
    if (options.stride()[i] <= 0) {
      throw Error(fmt::format("{}: non-positive stride is not supported, got stride={}", name,
                              options.stride().tuple_str()));
    }
  }
  require_supported(options.dilation(), options.groups(), name);
  // torch/nn/modules/conv.py _ConvNd.__init__: the same words.
  if (std::holds_alternative<enumtype::kSame>(options.padding()) && !options.stride().all_equal(1)) {
    throw Error(fmt::format("{}: padding='same' is not supported for strided convolutions (stride={}); PyTorch "
                            "pads 'same' only with stride 1",
                            name, options.stride().tuple_str()));
  }
  if (const auto* sizes = std::get_if<ExpandingArray<D>>(&options.padding())) {
    for (std::size_t i = 0; i < D; ++i)
      if ((*sizes)[i] < 0) throw Error(fmt::format("{}: negative padding {} is not supported", name, sizes->tuple_str()));
  }
  Shape shape{options.out_channels(), options.in_channels()};
  for (std::size_t i = 0; i < D; ++i) shape.push_back(options.kernel_size()[i]);
  weight = register_parameter("weight", Tensor::zeros(shape));
  if (options.bias()) bias = register_parameter("bias", Tensor::zeros({options.out_channels()}));
  reset_parameters(generator ? *generator : default_generator());
}

template <std::size_t D>
std::int64_t ConvNdImpl<D>::fan_in() const {
  // init._calculate_fan_in_and_fan_out: size(1) x the receptive field (the product of the kernel sizes).
  std::int64_t fan = options.in_channels();
  for (std::size_t i = 0; i < D; ++i) fan *= options.kernel_size()[i];
  return fan;
}

template <std::size_t D>
void ConvNdImpl<D>::reset_parameters(Generator& generator) {
  // torch/nn/modules/conv.py _ConvNd.reset_parameters(): kaiming_uniform_(weight, a=math.sqrt(5)),
  // then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const std::int64_t fan = fan_in();
  weight.mutable_data() = init::kaiming_uniform(weight.shape(), fan, std::sqrt(5.0f), generator).data();
  if (bias.defined()) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan));
    bias.mutable_data() = init::uniform(bias.shape(), -bound, bound, generator).data();
  }
}

template <std::size_t D>
Tensor ConvNdImpl<D>::forward(const Tensor& input) {
  const char* op = D == 1 ? "conv1d" : "conv2d";
  try {
    return convolve<D>(input, weight, bias, options.stride(), options.padding(), op);
  } catch (const Error& e) {
    throw Error(fmt::format("{}({}): {}", type_name(), extra_repr(), e.what()));
  }
}

template <std::size_t D>
std::string ConvNdImpl<D>::extra_repr() const {
  // torch/nn/modules/conv.py _ConvNd.extra_repr: padding, dilation and groups only when not the default.
  std::string s = fmt::format("{}, {}, kernel_size={}, stride={}", options.in_channels(), options.out_channels(),
                              options.kernel_size().tuple_str(), options.stride().tuple_str());
  if (std::holds_alternative<enumtype::kSame>(options.padding())) {
    s += ", padding=same";
  } else if (std::holds_alternative<enumtype::kValid>(options.padding())) {
    s += ", padding=valid";
  } else if (const auto& p = std::get<ExpandingArray<D>>(options.padding()); !p.all_equal(0)) {
    s += ", padding=" + p.tuple_str();
  }
  if (!bias.defined()) s += ", bias=False";
  return s;
}

template class ConvNdImpl<1>;
template class ConvNdImpl<2>;

namespace functional {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options) {
  require_supported(options.dilation(), options.groups(), "conv1d");
  return convolve<1>(input, weight, options.bias(), options.stride(), options.padding(), "conv1d");
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options) {
  require_supported(options.dilation(), options.groups(), "conv2d");
  return convolve<2>(input, weight, options.bias(), options.stride(), options.padding(), "conv2d");
}

}  // namespace functional
}  // namespace duet::torch::nn
