#include "duet/keras/losses.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/loss.h"

namespace duet::keras::losses {

namespace {
// Keras reduces a loss per sample over the last axis, then averages over the batch.
constexpr auto kKerasReduction = duet::Reduction::mean_of_row_means;
constexpr auto kPerSampleMean = duet::Reduction::mean;  // for losses already per sample
}  // namespace

Loss MeanSquaredError() {
  return {"mean_squared_error",
          [](const Tensor& y_true, const Tensor& y_pred) { return squared_error(y_pred, y_true, kKerasReduction); }};
}

Loss MeanAbsoluteError() {
  return {"mean_absolute_error",
          [](const Tensor& y_true, const Tensor& y_pred) { return absolute_error(y_pred, y_true, kKerasReduction); }};
}

Loss Huber(float delta) {
  if (!(delta > 0)) throw Error(fmt::format("Huber: delta must be positive, got {:g}", delta));
  return {"huber", [delta](const Tensor& y_true, const Tensor& y_pred) {
            return huber(y_pred, y_true, delta, kKerasReduction);
          }};
}

Loss BinaryCrossentropy(bool from_logits) {
  return {"binary_crossentropy", [from_logits](const Tensor& y_true, const Tensor& y_pred) {
            return from_logits ? binary_cross_entropy_with_logits(y_pred, y_true, kKerasReduction)
                               : binary_cross_entropy(y_pred, y_true, duet::ProbabilityGuard::clip_epsilon,
                                                      kKerasReduction);
          }};
}

Loss CategoricalCrossentropy(bool from_logits) {
  return {"categorical_crossentropy", [from_logits](const Tensor& y_true, const Tensor& y_pred) {
            return from_logits ? cross_entropy_with_logits(y_pred, y_true, kPerSampleMean)
                               : categorical_cross_entropy(y_pred, y_true, kPerSampleMean);
          }};
}

std::vector<std::int64_t> sparse_labels(const Tensor& y_true, std::int64_t classes) {
  if (!(y_true.rank() == 1 || (y_true.rank() == 2 && y_true.shape()[1] == 1))) {
    throw Error(fmt::format("sparse_categorical_crossentropy: labels must have shape [N] or [N, 1], got {}",
                            y_true.shape().str()));
  }
  if (const auto bad = first_invalid_class_index(y_true, classes); bad >= 0) {
    throw Error(fmt::format("Received a label value of {:g} (sample {}) which is outside the valid range of [0, {})",
                            y_true.data()[bad], bad, classes));
  }
  return as_class_indices(y_true);
}

Loss SparseCategoricalCrossentropy(bool from_logits) {
  return {"sparse_categorical_crossentropy", [from_logits](const Tensor& y_true, const Tensor& y_pred) {
            if (y_pred.rank() != 2) {
              throw Error(fmt::format("sparse_categorical_crossentropy: predictions must be [N, classes], got {}",
                                      y_pred.shape().str()));
            }
            const auto labels = sparse_labels(y_true, y_pred.shape()[1]);
            return from_logits ? cross_entropy_with_logits(y_pred, labels, kPerSampleMean)
                               : categorical_cross_entropy(y_pred, labels, kPerSampleMean);
          }};
}

Loss get(const std::string& identifier) {
  if (identifier == "mean_squared_error" || identifier == "mse" || identifier == "MeanSquaredError") {
    return MeanSquaredError();
  }
  if (identifier == "mean_absolute_error" || identifier == "mae" || identifier == "MeanAbsoluteError") {
    return MeanAbsoluteError();
  }
  if (identifier == "huber" || identifier == "Huber") return Huber();
  if (identifier == "binary_crossentropy" || identifier == "BinaryCrossentropy") return BinaryCrossentropy();
  if (identifier == "categorical_crossentropy" || identifier == "CategoricalCrossentropy") {
    return CategoricalCrossentropy();
  }
  if (identifier == "sparse_categorical_crossentropy" || identifier == "SparseCategoricalCrossentropy") {
    return SparseCategoricalCrossentropy();
  }
  throw Error(fmt::format("Could not interpret loss identifier: '{}' (known: mean_squared_error, mse, "
                          "mean_absolute_error, mae, huber, binary_crossentropy, categorical_crossentropy, "
                          "sparse_categorical_crossentropy)",
                          identifier));
}

}  // namespace duet::keras::losses
