/// @file
/// Keras metrics for compile(metrics=[...]): a per-sample value, averaged over the samples seen
/// in an epoch (Keras' MeanMetricWrapper).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "duet/core/tensor.h"
#include "duet/keras/losses.h"

namespace duet::keras::metrics {

struct Metric {
  std::string name;  ///< as reported in logs and History ("accuracy", "mae")
  /// Mean over the batch's samples of the metric's per-sample value.
  std::function<double(const Tensor& y_true, const Tensor& y_pred)> batch_mean;
};

/// "mae" / "mean_absolute_error", "mse" / "mean_squared_error", and "accuracy" / "acc", which
/// Keras resolves from the loss (keras/src/trainers/compile_utils.py): binary_accuracy
/// (threshold 0.5) for binary cross-entropy, categorical_accuracy (argmax) for categorical,
/// sparse_categorical_accuracy for sparse; for other losses binary when the model has one output.
Metric get(const std::string& identifier, const std::string& loss_name, std::int64_t output_units);

}  // namespace duet::keras::metrics
