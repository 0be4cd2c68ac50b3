/// @file
/// Keras losses (keras/src/losses/losses.py): a per-sample loss over the last axis, then the mean
/// over the batch ("sum_over_batch_size"). Probabilities are clipped to [1e-7, 1 - 1e-7].
#pragma once

#include <functional>
#include <cstdint>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::keras::losses {

/// loss(y_true, y_pred) -> scalar, as Keras orders its arguments.
using LossFn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

struct Loss {
  std::string name;  ///< Keras' function name, e.g. "binary_crossentropy"
  LossFn fn;
  /// The loss of each sample [N], before the batch mean: what sample and class weights multiply.
  LossFn per_sample;
};

Loss MeanSquaredError();
Loss MeanAbsoluteError();
Loss Huber(float delta = 1.0f);
/// from_logits: y_pred holds logits rather than probabilities. label_smoothing in [0, 1] moves
/// each target towards 0.5: y (1 - ls) + 0.5 ls (keras/src/losses/losses.py).
Loss BinaryCrossentropy(bool from_logits = false, float label_smoothing = 0.0f);
/// label_smoothing moves each one-hot row towards 1 / C: y (1 - ls) + ls / C.
Loss CategoricalCrossentropy(bool from_logits = false, float label_smoothing = 0.0f);
/// y_true holds class indices, shape [N] or [N, 1].
Loss SparseCategoricalCrossentropy(bool from_logits = false);

/// A loss by the names compile() accepts: mean_squared_error / mse, mean_absolute_error / mae,
/// huber, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy.
Loss get(const std::string& identifier);
/// The snake_case identifiers get() accepts (class names are accepted too), in one list that the
/// comparator's parser reads as well.
const std::vector<std::string>& identifiers();

/// Class indices from y_true ([N] or [N, 1], whole numbers in [0, classes)); names the bad label.
std::vector<std::int64_t> sparse_labels(const Tensor& y_true, std::int64_t classes);

}  // namespace duet::keras::losses
