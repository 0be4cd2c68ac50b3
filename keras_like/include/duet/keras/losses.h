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
};

Loss MeanSquaredError();
Loss MeanAbsoluteError();
Loss Huber(float delta = 1.0f);
/// from_logits: y_pred holds logits rather than probabilities.
Loss BinaryCrossentropy(bool from_logits = false);
Loss CategoricalCrossentropy(bool from_logits = false);
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
