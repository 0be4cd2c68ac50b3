/// @file
/// keras.layers.Normalization: shifts and scales each feature by a mean and variance learnt with
/// adapt() (keras/src/layers/preprocessing/normalization.py, axis=-1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

struct NormalizationOptions {
  /// Fixed per-feature mean and variance (one value for every feature, or one per feature),
  /// given together instead of adapt(); the layer then has no weights, as in Keras.
  std::optional<std::vector<float>> mean = std::nullopt;
  std::optional<std::vector<float>> variance = std::nullopt;
  bool invert = false;  ///< map normalised values back: mean + x * max(sqrt(variance), epsilon)
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer: the feature shape, e.g. {3}
};

/// Outputs (x - mean) / max(sqrt(variance), 1e-7) per feature of the last axis (Keras'
/// backend.epsilon() guards a zero variance). Without fixed values it creates three
/// non-trainable weights when built: "mean" (zeros) and "variance" (ones), one value per feature,
/// and the scalar "count" that Keras keeps for old saved models (never updated by adapt).
class Normalization : public Layer {
 public:
  explicit Normalization(NormalizationOptions options = {});

  /// Sets "mean" and "variance" to each feature's mean and population variance (divisor N, as
  /// NumPy's var) over the rows of `data` ([samples, features]); builds the layer for that width
  /// when it is not built yet. Call it before fit, evaluate or predict.
  void adapt(const Tensor& data);

  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Normalization"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<Normalization>(options_); }

  /// The per-feature mean and variance in use ([features]); undefined before build.
  const Tensor& mean() const { return mean_; }
  const Tensor& variance() const { return variance_; }

 private:
  NormalizationOptions options_;
  Tensor mean_, variance_;
};

}  // namespace duet::keras::layers
