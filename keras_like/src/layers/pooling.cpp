// keras.layers pooling on the core's channels-last pooling.
#include "duet/keras/layers/pooling.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/pool.h"
#include "window.h"

namespace duet::keras::layers {

namespace {
void check_pool(std::int64_t ph, std::int64_t pw, std::int64_t sh, std::int64_t sw, const std::string& padding,
                const char* layer) {
  if (ph <= 0 || pw <= 0) {
    throw Error(fmt::format("{}: The argument `pool_size` cannot contain 0 or negative values. Received "
                            "pool_size=({}, {}).",
                            layer, ph, pw));
  }
  if (sh <= 0 || sw <= 0) {
    throw Error(fmt::format("{}: The argument `strides` cannot contains 0 or negative values. Received: "
                            "strides=({}, {}).",
                            layer, sh, sw));
  }
  check_padding(padding, layer);
}
// TensorFlow's 'same' average pooling divides by the cells inside the input (avgpooling_op.cc).
constexpr AvgDivisor kKerasAvgDivisor = AvgDivisor::valid;
}  // namespace

Pooling2D::Pooling2D(bool max, Pooling2DOptions options) : max_(max), options_(std::move(options)) {
  const Size2 s = strides();
  check_pool(options_.pool_size.h, options_.pool_size.w, s.h, s.w, options_.padding,
             max_ ? "MaxPooling2D" : "AveragePooling2D");
  set_input_shape(options_.input_shape, max_ ? "MaxPooling2D" : "AveragePooling2D");
}

Shape Pooling2D::compute_output_shape(const Shape& input_shape) const {
  const std::string cls = class_name();
  detail::require_sample_rank(input_shape, 3, name(), cls.c_str(), "(height, width, channels)");
  const auto h = detail::window_axis(input_shape[0], options_.pool_size.h, strides().h, options_.padding, name(),
                                     cls.c_str(), "pool_size", "height");
  const auto w = detail::window_axis(input_shape[1], options_.pool_size.w, strides().w, options_.padding, name(),
                                     cls.c_str(), "pool_size", "width");
  return Shape{h.size, w.size, input_shape[2]};
}

void Pooling2D::build(const Shape& input_shape, Generator&) {
  compute_output_shape(input_shape);
  mark_built(input_shape);
}

Tensor Pooling2D::call(const Tensor& inputs, bool) {
  const std::string cls = class_name();
  detail::require_batch_rank(inputs, 4, name());
  const auto h = detail::window_axis(inputs.shape()[1], options_.pool_size.h, strides().h, options_.padding, name(),
                                     cls.c_str(), "pool_size", "height");
  const auto w = detail::window_axis(inputs.shape()[2], options_.pool_size.w, strides().w, options_.padding, name(),
                                     cls.c_str(), "pool_size", "width");
  const Extent2d k{options_.pool_size.h, options_.pool_size.w}, s{strides().h, strides().w};
  if (max_) return max_pool2d(inputs, k, s, {h.padding, w.padding}, ChannelLayout::channels_last);
  return avg_pool2d(inputs, k, s, {h.padding, w.padding}, ChannelLayout::channels_last, kKerasAvgDivisor);
}

Pooling1D::Pooling1D(bool max, Pooling1DOptions options) : max_(max), options_(std::move(options)) {
  check_pool(options_.pool_size, options_.pool_size, strides(), strides(), options_.padding,
             max_ ? "MaxPooling1D" : "AveragePooling1D");
  set_input_shape(options_.input_shape, max_ ? "MaxPooling1D" : "AveragePooling1D");
}

Shape Pooling1D::compute_output_shape(const Shape& input_shape) const {
  const std::string cls = class_name();
  detail::require_sample_rank(input_shape, 2, name(), cls.c_str(), "(steps, channels)");
  const auto l = detail::window_axis(input_shape[0], options_.pool_size, strides(), options_.padding, name(),
                                     cls.c_str(), "pool_size", "steps");
  return Shape{l.size, input_shape[1]};
}

void Pooling1D::build(const Shape& input_shape, Generator&) {
  compute_output_shape(input_shape);
  mark_built(input_shape);
}

Tensor Pooling1D::call(const Tensor& inputs, bool) {
  const std::string cls = class_name();
  detail::require_batch_rank(inputs, 3, name());
  const auto l = detail::window_axis(inputs.shape()[1], options_.pool_size, strides(), options_.padding, name(),
                                     cls.c_str(), "pool_size", "steps");
  if (max_) return max_pool1d(inputs, options_.pool_size, strides(), l.padding, ChannelLayout::channels_last);
  return avg_pool1d(inputs, options_.pool_size, strides(), l.padding, ChannelLayout::channels_last, kKerasAvgDivisor);
}

GlobalPooling::GlobalPooling(bool max, int spatial_rank, GlobalPoolingOptions options)
    : max_(max), spatial_rank_(spatial_rank), options_(std::move(options)) {
  set_input_shape(options_.input_shape, "GlobalPooling");
}

std::string GlobalPooling::class_name() const {
  return fmt::format("Global{}Pooling{}D", max_ ? "Max" : "Average", spatial_rank_);
}

Shape GlobalPooling::compute_output_shape(const Shape& input_shape) const {
  const std::string cls = class_name();
  detail::require_sample_rank(input_shape, spatial_rank_ + 1, name(), cls.c_str(),
                              spatial_rank_ == 2 ? "(height, width, channels)" : "(steps, channels)");
  if (!options_.keepdims) return Shape{input_shape[spatial_rank_]};
  Shape out;
  for (int a = 0; a < spatial_rank_; ++a) out.push_back(1);
  out.push_back(input_shape[spatial_rank_]);
  return out;
}

void GlobalPooling::build(const Shape& input_shape, Generator&) {
  compute_output_shape(input_shape);
  mark_built(input_shape);
}

Tensor GlobalPooling::call(const Tensor& inputs, bool) {
  detail::require_batch_rank(inputs, spatial_rank_ + 2, name());
  if (max_) return global_max_pool(inputs, ChannelLayout::channels_last, options_.keepdims);
  return global_avg_pool(inputs, ChannelLayout::channels_last, options_.keepdims);
}

}  // namespace duet::keras::layers
