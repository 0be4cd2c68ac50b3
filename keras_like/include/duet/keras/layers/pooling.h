/// @file
/// keras.layers.MaxPooling1D/2D, AveragePooling1D/2D, GlobalAveragePooling1D/2D and
/// GlobalMaxPooling2D (channels last), with Keras' defaults: strides = pool_size, padding 'valid'.
///   layers::MaxPooling2D({.pool_size = 2})
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duet/keras/layers/conv.h"
#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

/// MaxPooling2D / AveragePooling2D's arguments.
struct Pooling2DOptions {
  Size2 pool_size = 2;                          ///< the window
  std::optional<Size2> strides = std::nullopt;  ///< default: pool_size
  std::string padding = "valid";                ///< "valid" or "same" ('same' average divides by the cells inside)
  std::vector<std::int64_t> input_shape = {};   ///< on the first layer: {height, width, channels}
};

/// MaxPooling1D / AveragePooling1D's arguments.
struct Pooling1DOptions {
  std::int64_t pool_size = 2;                          ///< the window
  std::optional<std::int64_t> strides = std::nullopt;  ///< default: pool_size
  std::string padding = "valid";                       ///< "valid" or "same"
  std::vector<std::int64_t> input_shape = {};          ///< on the first layer: {steps, channels}
};

/// Max or average pooling over height and width: [N, H, W, C] -> [N, H', W', C].
class Pooling2D : public Layer {
 public:
  /// `max` chooses MaxPooling2D, otherwise AveragePooling2D.
  Pooling2D(bool max, Pooling2DOptions options);
  void build(const Shape& input_shape, Generator&) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return max_ ? "MaxPooling2D" : "AveragePooling2D"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Pooling2D>(max_, options_); }
  const Pooling2DOptions& options() const { return options_; }

 private:
  Size2 strides() const { return options_.strides.value_or(options_.pool_size); }
  bool max_;
  Pooling2DOptions options_;
};

/// Max or average pooling over the steps: [N, L, C] -> [N, L', C].
class Pooling1D : public Layer {
 public:
  /// `max` chooses MaxPooling1D, otherwise AveragePooling1D.
  Pooling1D(bool max, Pooling1DOptions options);
  void build(const Shape& input_shape, Generator&) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return max_ ? "MaxPooling1D" : "AveragePooling1D"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Pooling1D>(max_, options_); }
  const Pooling1DOptions& options() const { return options_; }

 private:
  std::int64_t strides() const { return options_.strides.value_or(options_.pool_size); }
  bool max_;
  Pooling1DOptions options_;
};

/// keras.layers.MaxPooling2D.
class MaxPooling2D : public Pooling2D {
 public:
  explicit MaxPooling2D(Pooling2DOptions options = {}) : Pooling2D(true, std::move(options)) {}
};
/// keras.layers.AveragePooling2D.
class AveragePooling2D : public Pooling2D {
 public:
  explicit AveragePooling2D(Pooling2DOptions options = {}) : Pooling2D(false, std::move(options)) {}
};
/// keras.layers.MaxPooling1D.
class MaxPooling1D : public Pooling1D {
 public:
  explicit MaxPooling1D(Pooling1DOptions options = {}) : Pooling1D(true, std::move(options)) {}
};
/// keras.layers.AveragePooling1D.
class AveragePooling1D : public Pooling1D {
 public:
  explicit AveragePooling1D(Pooling1DOptions options = {}) : Pooling1D(false, std::move(options)) {}
};

/// GlobalAveragePooling / GlobalMaxPooling's arguments.
struct GlobalPoolingOptions {
  bool keepdims = false;                       ///< keep the spatial axes with size 1
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer
};

/// The mean or maximum over every spatial position: [N, (H,) W, C] -> [N, C].
class GlobalPooling : public Layer {
 public:
  /// `max` chooses the maximum; `spatial_rank` is 1 (…1D, input [N, L, C]) or 2 (…2D).
  GlobalPooling(bool max, int spatial_rank, GlobalPoolingOptions options);
  void build(const Shape& input_shape, Generator&) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override;
  std::shared_ptr<Layer> clone() const override {
    return std::make_shared<GlobalPooling>(max_, spatial_rank_, options_);
  }

 private:
  bool max_;
  int spatial_rank_;
  GlobalPoolingOptions options_;
};

/// keras.layers.GlobalAveragePooling2D.
class GlobalAveragePooling2D : public GlobalPooling {
 public:
  explicit GlobalAveragePooling2D(GlobalPoolingOptions options = {}) : GlobalPooling(false, 2, std::move(options)) {}
};
/// keras.layers.GlobalAveragePooling1D.
class GlobalAveragePooling1D : public GlobalPooling {
 public:
  explicit GlobalAveragePooling1D(GlobalPoolingOptions options = {}) : GlobalPooling(false, 1, std::move(options)) {}
};
/// keras.layers.GlobalMaxPooling2D.
class GlobalMaxPooling2D : public GlobalPooling {
 public:
  explicit GlobalMaxPooling2D(GlobalPoolingOptions options = {}) : GlobalPooling(true, 2, std::move(options)) {}
};

}  // namespace duet::keras::layers
