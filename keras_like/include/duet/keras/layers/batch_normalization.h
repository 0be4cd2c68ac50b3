/// @file
/// keras.layers.BatchNormalization (keras/src/layers/normalization/batch_normalization.py) over
/// the last axis (axis=-1, channels last): momentum 0.99 weighing the OLD moving value, epsilon
/// 1e-3, the biased batch variance averaged into moving_variance. fit calls it with
/// training=true (batch statistics, moving statistics updated); predict and evaluate with
/// training=false (moving statistics).
#pragma once

#include <string>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

struct BatchNormalizationOptions {
  /// moving = moving * momentum + batch * (1 - momentum) (PyTorch's momentum is 1 - this)
  float momentum = 0.99f;
  /// added to the variance before its square root (PyTorch: 1e-5)
  float epsilon = 1e-3f;
  bool center = true;  ///< a trainable offset "beta"
  bool scale = true;   ///< a trainable factor "gamma"
  std::string beta_initializer = "zeros";
  std::string gamma_initializer = "ones";
  std::string moving_mean_initializer = "zeros";
  std::string moving_variance_initializer = "ones";
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer: the feature shape
};

/// Weights in Keras' order: gamma, beta (trainable), moving_mean, moving_variance
/// (non-trainable, counted as such in summary()).
class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});
  /// Creates the weights for the last axis of `input_shape` (the channels).
  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  std::string class_name() const override { return "BatchNormalization"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<BatchNormalization>(options_); }
  const BatchNormalizationOptions& options() const { return options_; }

  Tensor gamma, beta;                      ///< [C]; undefined without scale / center
  Tensor moving_mean, moving_variance;     ///< [C]

 private:
  BatchNormalizationOptions options_;
};

struct LayerNormalizationOptions {
  float epsilon = 1e-3f;  ///< PyTorch's LayerNorm: 1e-5
  bool center = true;     ///< a trainable offset "beta"
  bool scale = true;      ///< a trainable factor "gamma"
  std::string beta_initializer = "zeros";
  std::string gamma_initializer = "ones";
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer: the feature shape
};

/// keras.layers.LayerNormalization(axis=-1): each sample normalised over its last axis by its
/// own mean and biased variance; weights gamma, beta. The same in training and inference.
class LayerNormalization : public Layer {
 public:
  explicit LayerNormalization(LayerNormalizationOptions options = {});
  /// Creates the weights for the last axis of `input_shape` (the channels).
  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  std::string class_name() const override { return "LayerNormalization"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<LayerNormalization>(options_); }

  Tensor gamma, beta;  ///< [features]; undefined without scale / center

 private:
  LayerNormalizationOptions options_;
};

}  // namespace duet::keras::layers
