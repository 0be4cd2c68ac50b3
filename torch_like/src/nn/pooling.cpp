// torch.nn pooling modules and their functional forms on the core's channels-first pooling.
#include "duet/torch/nn/pooling.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/pool.h"

namespace duet::torch::nn {

namespace {

// PyTorch's checks of a pooling window (aten/src/ATen/native/Pool.h pool2d_shape_check), in its words.
template <std::size_t D>
void check_window(const ExpandingArray<D>& kernel, const ExpandingArray<D>& stride, const ExpandingArray<D>& padding,
                  bool ceil_mode, const char* op) {
  for (std::size_t i = 0; i < D; ++i) {
    if (kernel[i] <= 0) {
      throw Error(fmt::format("{}: kernel size should be greater than zero, but got kernel_size={}", op,
                              kernel.tuple_str()));
    }
    if (stride[i] <= 0) {
      throw Error(fmt::format("{}: stride should be greater than zero, but got stride={}", op, stride.tuple_str()));
    }
    if (padding[i] < 0 || padding[i] > kernel[i] / 2) {
      throw Error(fmt::format("{}: pad should be at most half of kernel size, but got pad={} and kernel_size={}", op,
                              padding.tuple_str(), kernel.tuple_str()));
    }
  }
  if (ceil_mode) throw Error(fmt::format("{}: ceil_mode=true is not supported by Duet", op));
}

// The error a pooling op gives for input of the wrong rank.
void check_rank(const Tensor& input, int rank, const char* op) {
  if (input.rank() != rank) {
    throw Error(fmt::format("{}: Expected {}D (batched) input, but got input of size: {}", op, rank,
                            input.shape().str()));
  }
}

template <std::size_t D>
Tensor max_pool(const Tensor& input, const MaxPoolOptions<D>& o, const char* op) {
  check_window<D>(o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), op);
  if (!o.dilation().all_equal(1)) {
    throw Error(fmt::format("{}: dilation={} is not supported by Duet (only 1)", op, o.dilation().tuple_str()));
  }
  check_rank(input, static_cast<int>(D) + 2, op);
  const auto& k = o.kernel_size();
  const auto& s = o.stride();
  const auto& p = o.padding();
  if constexpr (D == 1) {
    return duet::max_pool1d(input, k[0], s[0], {p[0], p[0]}, ChannelLayout::channels_first);
  } else {
    return duet::max_pool2d(input, {k[0], k[1]}, {s[0], s[1]}, {{p[0], p[0]}, {p[1], p[1]}},
                            ChannelLayout::channels_first);
  }
}

template <std::size_t D>
Tensor avg_pool(const Tensor& input, const AvgPoolOptions<D>& o, const char* op) {
  check_window<D>(o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(), op);
  check_rank(input, static_cast<int>(D) + 2, op);
  const auto& k = o.kernel_size();
  const auto& s = o.stride();
  const auto& p = o.padding();
  // count_include_pad=True (the default) divides by the whole window, padding included.
  const AvgDivisor divisor = o.count_include_pad() ? AvgDivisor::window : AvgDivisor::valid;
  if constexpr (D == 1) {
    return duet::avg_pool1d(input, k[0], s[0], {p[0], p[0]}, ChannelLayout::channels_first, divisor);
  } else {
    return duet::avg_pool2d(input, {k[0], k[1]}, {s[0], s[1]}, {{p[0], p[0]}, {p[1], p[1]}},
                            ChannelLayout::channels_first, divisor);
  }
}

// Python prints what it was given: an int for `MaxPool2d(2)`; Duet prints one number when all agree.
template <std::size_t D>
std::string size_repr(const ExpandingArray<D>& a) {
  return a.all_equal(a[0]) ? std::to_string(a[0]) : a.tuple_str();
}

void check_adaptive(const AdaptiveAvgPool2dOptions& o) {
  if (!o.output_size().all_equal(1)) {
    throw Error(fmt::format("AdaptiveAvgPool2d: output_size={} is not supported by Duet (only 1, global average "
                            "pooling)",
                            o.output_size().tuple_str()));
  }
}

}  // namespace

template <std::size_t D>
MaxPoolNdImpl<D>::MaxPoolNdImpl(const MaxPoolOptions<D>& opts) : options(opts) {
  check_window<D>(options.kernel_size(), options.stride(), options.padding(), options.ceil_mode(),
                  D == 1 ? "MaxPool1d" : "MaxPool2d");
}

template <std::size_t D>
Tensor MaxPoolNdImpl<D>::forward(const Tensor& input) {
  return max_pool<D>(input, options, D == 1 ? "MaxPool1d" : "MaxPool2d");
}

template <std::size_t D>
std::string MaxPoolNdImpl<D>::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode=False",
                     size_repr(options.kernel_size()), size_repr(options.stride()), size_repr(options.padding()),
                     size_repr(options.dilation()));
}

template <std::size_t D>
AvgPoolNdImpl<D>::AvgPoolNdImpl(const AvgPoolOptions<D>& opts) : options(opts) {
  check_window<D>(options.kernel_size(), options.stride(), options.padding(), options.ceil_mode(),
                  D == 1 ? "AvgPool1d" : "AvgPool2d");
}

template <std::size_t D>
Tensor AvgPoolNdImpl<D>::forward(const Tensor& input) {
  return avg_pool<D>(input, options, D == 1 ? "AvgPool1d" : "AvgPool2d");
}

template <std::size_t D>
std::string AvgPoolNdImpl<D>::extra_repr() const {
  // AvgPool1d stores tuples (_single), AvgPool2d what it was given.
  if constexpr (D == 1) {
    return fmt::format("kernel_size={}, stride={}, padding={}", options.kernel_size().tuple_str(),
                       options.stride().tuple_str(), options.padding().tuple_str());
  } else {
    return fmt::format("kernel_size={}, stride={}, padding={}", size_repr(options.kernel_size()),
                       size_repr(options.stride()), size_repr(options.padding()));
  }
}

template class MaxPoolNdImpl<1>;
template class MaxPoolNdImpl<2>;
template class AvgPoolNdImpl<1>;
template class AvgPoolNdImpl<2>;

AdaptiveAvgPool2dImpl::AdaptiveAvgPool2dImpl(const AdaptiveAvgPool2dOptions& opts) : options(opts) {
  check_adaptive(options);
}

Tensor AdaptiveAvgPool2dImpl::forward(const Tensor& input) {
  return functional::adaptive_avg_pool2d(input, options);
}

std::string AdaptiveAvgPool2dImpl::extra_repr() const {
  return "output_size=" + size_repr(options.output_size());
}

AdaptiveAvgPool1dImpl::AdaptiveAvgPool1dImpl(const AdaptiveAvgPool1dOptions& opts) : options(opts) {
  if (!options.output_size().all_equal(1)) {
    throw Error(fmt::format("AdaptiveAvgPool1d: output_size={} is not supported by Duet (only 1)",
                            options.output_size().tuple_str()));
  }
}

Tensor AdaptiveAvgPool1dImpl::forward(const Tensor& input) {
  check_rank(input, 3, "AdaptiveAvgPool1d");
  return global_avg_pool(input, ChannelLayout::channels_first, /*keepdims=*/true);
}

AdaptiveMaxPool2dImpl::AdaptiveMaxPool2dImpl(const AdaptiveMaxPool2dOptions& opts) : options(opts) {
  if (!options.output_size().all_equal(1)) {
    throw Error(fmt::format("AdaptiveMaxPool2d: output_size={} is not supported by Duet (only 1)",
                            options.output_size().tuple_str()));
  }
}

Tensor AdaptiveMaxPool2dImpl::forward(const Tensor& input) {
  check_rank(input, 4, "AdaptiveMaxPool2d");
  return global_max_pool(input, ChannelLayout::channels_first, /*keepdims=*/true);
}

namespace functional {

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options) {
  return max_pool<1>(input, options, "max_pool1d");
}
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options) {
  return max_pool<2>(input, options, "max_pool2d");
}
Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options) {
  return avg_pool<1>(input, options, "avg_pool1d");
}
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options) {
  return avg_pool<2>(input, options, "avg_pool2d");
}
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options) {
  check_adaptive(options);
  check_rank(input, 4, "adaptive_avg_pool2d");
  return global_avg_pool(input, ChannelLayout::channels_first, /*keepdims=*/true);
}

}  // namespace functional
}  // namespace duet::torch::nn

namespace duet::torch {

Tensor max_pool2d(const Tensor& input, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride,
                  ExpandingArray<2> padding, ExpandingArray<2> dilation, bool ceil_mode) {
  return nn::functional::max_pool2d(input, nn::MaxPool2dOptions(kernel_size)
                                               .stride(stride.value_or(kernel_size))
                                               .padding(padding)
                                               .dilation(dilation)
                                               .ceil_mode(ceil_mode));
}

}  // namespace duet::torch
