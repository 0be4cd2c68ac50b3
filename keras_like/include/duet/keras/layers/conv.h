/// @file
/// keras.layers.Conv1D and Conv2D (channels last: inputs [N, (H,) W, C], kernel [(KH,) KW, in,
/// filters]), with Keras' names and defaults (keras/src/layers/convolutional/base_conv.py):
///   layers::Conv2D(16, 3, {.padding = "same", .activation = "relu", .input_shape = {8, 8, 1}})
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

/// A size or stride along the two spatial axes, given as one number for both or as {h, w}
/// (Keras' int-or-tuple arguments).
struct Size2 {
  /// The same size along both axes.
  Size2(std::int64_t both) : h(both), w(both) {}  // NOLINT: implicit, as Keras takes an int
  /// {h, w}; any other count is an error.
  Size2(std::initializer_list<std::int64_t> hw);
  std::int64_t h;  ///< along the height
  std::int64_t w;  ///< along the width
  /// "(3, 3)", as Keras prints a tuple.
  std::string str() const;
};

/// Conv2D's keyword arguments beside filters and kernel_size.
struct Conv2DOptions {
  Size2 strides = 1;                              ///< stride along height and width
  std::string padding = "valid";                  ///< "valid" or "same" (TensorFlow's: odd pixel bottom/right)
  std::string activation = "linear";              ///< applied after the bias
  bool use_bias = true;                           ///< whether to add a bias per filter
  std::string kernel_initializer = "glorot_uniform";  ///< fans: kh kw in and kh kw filters
  std::string bias_initializer = "zeros";         ///< the bias' initializer
  std::vector<std::int64_t> input_shape = {};     ///< on the first layer: {height, width, channels}
};

/// Conv1D's keyword arguments beside filters and kernel_size.
struct Conv1DOptions {
  std::int64_t strides = 1;                       ///< stride along the steps
  std::string padding = "valid";                  ///< "valid" or "same"
  std::string activation = "linear";              ///< applied after the bias
  bool use_bias = true;                           ///< whether to add a bias per filter
  std::string kernel_initializer = "glorot_uniform";  ///< fans: k in and k filters
  std::string bias_initializer = "zeros";         ///< the bias' initializer
  std::vector<std::int64_t> input_shape = {};     ///< on the first layer: {steps, channels}
};

/// keras.layers.Conv2D: [N, H, W, C] -> [N, H', W', filters]; weights "kernel" [KH, KW, C,
/// filters] and (with use_bias) "bias" [filters], created in that order when built.
class Conv2D : public Layer {
 public:
  /// Checks the arguments with Keras' rules and words.
  Conv2D(std::int64_t filters, Size2 kernel_size, Conv2DOptions options = {});
  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  /// {H', W', filters}: 'valid' (H - KH) / s + 1, 'same' ceil(H / s); an input smaller than the
  /// kernel is an error naming the layer.
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Conv2D"; }
  std::shared_ptr<Layer> clone() const override;

  std::int64_t filters() const { return filters_; }
  const Size2& kernel_size() const { return kernel_size_; }
  const Conv2DOptions& options() const { return options_; }
  Tensor kernel;  ///< [KH, KW, in, filters] (HWIO), the weight named "kernel"
  Tensor bias;    ///< [filters], undefined without use_bias

 private:
  std::int64_t filters_;
  Size2 kernel_size_;
  Conv2DOptions options_;
};

/// keras.layers.Conv1D: [N, L, C] -> [N, L', filters]; weights "kernel" [K, C, filters] and "bias".
class Conv1D : public Layer {
 public:
  /// Checks the arguments with Keras' rules and words.
  Conv1D(std::int64_t filters, std::int64_t kernel_size, Conv1DOptions options = {});
  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  /// {L', filters}.
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Conv1D"; }
  std::shared_ptr<Layer> clone() const override;

  std::int64_t filters() const { return filters_; }
  std::int64_t kernel_size() const { return kernel_size_; }
  const Conv1DOptions& options() const { return options_; }
  Tensor kernel;  ///< [K, in, filters], the weight named "kernel"
  Tensor bias;    ///< [filters], undefined without use_bias

 private:
  std::int64_t filters_;
  std::int64_t kernel_size_;
  Conv1DOptions options_;
};

/// Throws, naming `layer`, unless `padding` is "valid" or "same" (Keras' accepted values here).
void check_padding(const std::string& padding, const char* layer);

}  // namespace duet::keras::layers
