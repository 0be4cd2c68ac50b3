/// @file
/// keras.layers.LeakyReLU, ELU, ReLU and Softmax: activations as layers, with the LAYERS'
/// defaults (keras/src/layers/activations/), which are not always the functions': the
/// LeakyReLU layer's negative_slope is 0.3, keras.activations.leaky_relu's 0.2.
#pragma once

#include <optional>
#include <string>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

/// A layer without weights whose output has its input's shape.
class ElementwiseLayer : public Layer {
 public:
  void build(const Shape& input_shape, Generator&) override { mark_built(input_shape); }
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
};

/// x for x > 0, negative_slope x otherwise.
class LeakyReLU : public ElementwiseLayer {
 public:
  /// Keras 3's layer default 0.3 (Keras 2 called it alpha); negative slopes are refused.
  explicit LeakyReLU(float negative_slope = 0.3f);
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "LeakyReLU"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<LeakyReLU>(negative_slope_); }
  float negative_slope() const { return negative_slope_; }

 private:
  float negative_slope_;
};

/// x for x > 0, alpha (e^x - 1) otherwise.
class ELU : public ElementwiseLayer {
 public:
  explicit ELU(float alpha = 1.0f) : alpha_(alpha) {}
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "ELU"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<ELU>(alpha_); }

 private:
  float alpha_;
};

/// keras.layers.ReLU's arguments, with its defaults.
struct ReLUOptions {
  std::optional<float> max_value = std::nullopt;  ///< the output's ceiling (none by default)
  float negative_slope = 0.0f;                    ///< slope below the threshold
  float threshold = 0.0f;                         ///< values up to it are damped
};

/// max_value if x >= max_value, x if threshold < x < max_value, negative_slope (x - threshold)
/// otherwise (keras.activations.relu).
class ReLU : public ElementwiseLayer {
 public:
  explicit ReLU(ReLUOptions options = {});
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "ReLU"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<ReLU>(options_); }

 private:
  ReLUOptions options_;
};

/// Softmax along `axis` (default the last).
class Softmax : public ElementwiseLayer {
 public:
  explicit Softmax(int axis = -1) : axis_(axis) {}
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "Softmax"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Softmax>(axis_); }

 private:
  int axis_;
};

}  // namespace duet::keras::layers
