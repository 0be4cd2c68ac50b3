/// @file
/// keras.layers.Flatten and Reshape: the sample's values in row-major order, reshaped. Flatten of
/// an image [H, W, C] gives HWC order (PyTorch's Flatten of NCHW gives CHW: see
/// docs/framework-differences.md).
#pragma once

#include <cstdint>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

/// Flatten's arguments.
struct FlattenOptions {
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer
};

/// [N, d1, d2, ...] -> [N, d1 d2 ...].
class Flatten : public Layer {
 public:
  explicit Flatten(FlattenOptions options = {});
  void build(const Shape& input_shape, Generator&) override { mark_built(input_shape); }
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Flatten"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Flatten>(options_); }

 private:
  FlattenOptions options_;
};

/// Reshape's arguments beside the target shape.
struct ReshapeOptions {
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer
};

/// [N, ...] -> [N, target_shape...]; one size may be -1 (inferred), as in Keras.
class Reshape : public Layer {
 public:
  explicit Reshape(std::vector<std::int64_t> target_shape, ReshapeOptions options = {});
  void build(const Shape& input_shape, Generator&) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Reshape"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Reshape>(target_, options_); }

 private:
  std::vector<std::int64_t> target_;
  ReshapeOptions options_;
};

}  // namespace duet::keras::layers
