/// @file
/// Layers without weights: keras.Input, keras.layers.Activation and keras.layers.Dropout.
#pragma once

#include <string>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

/// keras.Input(shape=(features,)) or keras.Input(shape=(height, width, channels)): declares the
/// model's input shape (no batch axis); computes nothing.
class Input : public Layer {
 public:
  explicit Input(std::vector<std::int64_t> shape);
  void build(const Shape& input_shape, Generator&) override { mark_built(input_shape); }
  Tensor call(const Tensor& inputs, bool) override { return inputs; }
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  std::string class_name() const override { return "InputLayer"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Input>(input_shape_->vec()); }
};

/// Applies an activation by name: linear | relu | sigmoid | tanh | softmax.
class Activation : public Layer {
 public:
  explicit Activation(std::string activation);
  void build(const Shape& input_shape, Generator&) override { mark_built(input_shape); }
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  std::string class_name() const override { return "Activation"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Activation>(activation_); }

 private:
  std::string activation_;
};

/// Zeroes inputs with probability `rate` during training and scales the rest by 1 / (1 - rate);
/// the identity at inference. Masks come from keras.utils' generator (set_random_seed).
class Dropout : public Layer {
 public:
  explicit Dropout(float rate);
  void build(const Shape& input_shape, Generator&) override { mark_built(input_shape); }
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  std::string class_name() const override { return "Dropout"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Dropout>(rate_); }

 private:
  float rate_;
};

}  // namespace duet::keras::layers
