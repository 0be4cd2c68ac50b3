// keras.layers.Conv1D / Conv2D on the core's channels-last convolution.
#include "duet/keras/layers/conv.h"

#include <fmt/format.h>

#include "duet/core/conv.h"
#include "duet/core/error.h"
#include "duet/keras/initializers.h"
#include "duet/keras/layers/dense.h"
#include "window.h"

namespace duet::keras::layers {

Size2::Size2(std::initializer_list<std::int64_t> hw) {
  if (hw.size() != 2) {
    throw Error(fmt::format("expected one integer or a pair (height, width), got {} values", hw.size()));
  }
  h = *hw.begin();
  w = *(hw.begin() + 1);
}

std::string Size2::str() const { return fmt::format("({}, {})", h, w); }

void check_padding(const std::string& padding, const char* layer) {
  if (padding != "valid" && padding != "same") {
    throw Error(fmt::format("{}: The `padding` argument must be a list/tuple or one of \"valid\", \"same\". "
                            "Received: padding={}",
                            layer, padding));
  }
}

namespace {

// Keras' checks of a convolution's arguments (base_conv.py __init__), in its words.
void check_conv(std::int64_t filters, std::int64_t kh, std::int64_t kw, std::int64_t sh, std::int64_t sw,
                const std::string& padding, const std::string& activation, const std::string& kernel_init,
                const std::string& bias_init, const char* layer) {
  if (filters <= 0) {
    throw Error(fmt::format("{}: Invalid value for argument `filters`. Expected a strictly positive value. Received "
                            "filters={}.",
                            layer, filters));
  }
  if (kh <= 0 || kw <= 0) {
    throw Error(fmt::format("{}: The argument `kernel_size` cannot contain 0 or negative values. Received "
                            "kernel_size=({}, {}).",
                            layer, kh, kw));
  }
  if (sh <= 0 || sw <= 0) {
    throw Error(fmt::format("{}: The argument `strides` cannot contains 0 or negative values. Received: "
                            "strides=({}, {}).",
                            layer, sh, sw));
  }
  check_padding(padding, layer);
  check_activation_name(activation, layer);
  try {
    initializers::check_identifier(kernel_init);
    initializers::check_identifier(bias_init);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", layer, e.what()));
  }
}

}  // namespace

Conv2D::Conv2D(std::int64_t filters, Size2 kernel_size, Conv2DOptions options)
    : filters_(filters), kernel_size_(kernel_size), options_(std::move(options)) {
  check_conv(filters_, kernel_size_.h, kernel_size_.w, options_.strides.h, options_.strides.w, options_.padding,
             options_.activation, options_.kernel_initializer, options_.bias_initializer, "Conv2D");
  set_input_shape(options_.input_shape, "Conv2D");
}

Shape Conv2D::compute_output_shape(const Shape& input_shape) const {
  detail::require_sample_rank(input_shape, 3, name(), "Conv2D", "(height, width, channels)");
  const auto h = detail::window_axis(input_shape[0], kernel_size_.h, options_.strides.h, options_.padding, name(),
                                     "Conv2D", "kernel_size", "height");
  const auto w = detail::window_axis(input_shape[1], kernel_size_.w, options_.strides.w, options_.padding, name(),
                                     "Conv2D", "kernel_size", "width");
  return Shape{h.size, w.size, filters_};
}

void Conv2D::build(const Shape& input_shape, Generator& generator) {
  compute_output_shape(input_shape);  // checks the rank and that the kernel fits
  forget_weights();
  // keras/src/layers/convolutional/base_conv.py build: the kernel, then the bias (the draw order).
  kernel = add_weight({.name = "kernel",
                       .shape = {kernel_size_.h, kernel_size_.w, input_shape[2], filters_},
                       .initializer = options_.kernel_initializer},
                      generator);
  bias = options_.use_bias
             ? add_weight({.name = "bias", .shape = {filters_}, .initializer = options_.bias_initializer}, generator)
             : Tensor();
  mark_built(input_shape);
}

Tensor Conv2D::call(const Tensor& inputs, bool) {
  detail::require_batch_rank(inputs, 4, name());
  const Shape sample(inputs.shape().begin() + 1, inputs.shape().end());
  const auto h = detail::window_axis(sample[0], kernel_size_.h, options_.strides.h, options_.padding, name(), "Conv2D",
                                     "kernel_size", "height");
  const auto w = detail::window_axis(sample[1], kernel_size_.w, options_.strides.w, options_.padding, name(), "Conv2D",
                                     "kernel_size", "width");
  try {
    return activation(options_.activation, conv2d(inputs, kernel, bias, {options_.strides.h, options_.strides.w},
                                                  {h.padding, w.padding}, ChannelLayout::channels_last));
  } catch (const Error& e) {
    throw Error(fmt::format("layer '{}' (Conv2D, filters={}, kernel_size={}): {}", name(), filters_,
                            kernel_size_.str(), e.what()));
  }
}

std::shared_ptr<Layer> Conv2D::clone() const { return std::make_shared<Conv2D>(filters_, kernel_size_, options_); }

Conv1D::Conv1D(std::int64_t filters, std::int64_t kernel_size, Conv1DOptions options)
    : filters_(filters), kernel_size_(kernel_size), options_(std::move(options)) {
  check_conv(filters_, kernel_size_, kernel_size_, options_.strides, options_.strides, options_.padding,
             options_.activation, options_.kernel_initializer, options_.bias_initializer, "Conv1D");
  set_input_shape(options_.input_shape, "Conv1D");
}

Shape Conv1D::compute_output_shape(const Shape& input_shape) const {
  detail::require_sample_rank(input_shape, 2, name(), "Conv1D", "(steps, channels)");
  const auto l = detail::window_axis(input_shape[0], kernel_size_, options_.strides, options_.padding, name(),
                                     "Conv1D", "kernel_size", "steps");
  return Shape{l.size, filters_};
}

void Conv1D::build(const Shape& input_shape, Generator& generator) {
  compute_output_shape(input_shape);
  forget_weights();
  kernel = add_weight(
      {.name = "kernel", .shape = {kernel_size_, input_shape[1], filters_}, .initializer = options_.kernel_initializer},
      generator);
  bias = options_.use_bias
             ? add_weight({.name = "bias", .shape = {filters_}, .initializer = options_.bias_initializer}, generator)
             : Tensor();
  mark_built(input_shape);
}

Tensor Conv1D::call(const Tensor& inputs, bool) {
  detail::require_batch_rank(inputs, 3, name());
  const auto l = detail::window_axis(inputs.shape()[1], kernel_size_, options_.strides, options_.padding, name(),
                                     "Conv1D", "kernel_size", "steps");
  try {
    return activation(options_.activation,
                      conv1d(inputs, kernel, bias, options_.strides, l.padding, ChannelLayout::channels_last));
  } catch (const Error& e) {
    throw Error(fmt::format("layer '{}' (Conv1D, filters={}, kernel_size={}): {}", name(), filters_, kernel_size_,
                            e.what()));
  }
}

std::shared_ptr<Layer> Conv1D::clone() const { return std::make_shared<Conv1D>(filters_, kernel_size_, options_); }

}  // namespace duet::keras::layers
