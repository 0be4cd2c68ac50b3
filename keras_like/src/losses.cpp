#include "duet/keras/losses.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <vector>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/loss.h"

namespace duet::keras::losses {

namespace {
// Keras reduces a loss per sample over the last axis, then averages over the batch.
constexpr auto kKerasReduction = duet::Reduction::mean_of_row_means;
constexpr auto kPerSampleMean = duet::Reduction::mean;  // for losses already per sample
// keras.config.epsilon(): the fuzz factor Keras clips probabilities with before a log.
constexpr double kEpsilon = 1e-7;
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
                               : binary_cross_entropy(y_pred, y_true, duet::ProbabilityGuard::clip(kEpsilon),
                                                      kKerasReduction);
          }};
}

Loss CategoricalCrossentropy(bool from_logits) {
  return {"categorical_crossentropy", [from_logits](const Tensor& y_true, const Tensor& y_pred) {
            return from_logits ? cross_entropy_with_logits(y_pred, y_true, kPerSampleMean)
                               : categorical_cross_entropy(y_pred, y_true, kEpsilon, kPerSampleMean);
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
                               : categorical_cross_entropy(y_pred, labels, kEpsilon, kPerSampleMean);
          }};
}

namespace {
// Keras' identifiers for each loss (keras/src/losses/__init__.py): the function name, its short
// alias where Keras has one, and the class name.
struct Entry {
  std::vector<std::string> snake_case;  ///< "mean_squared_error", "mse"
  std::string class_name;               ///< "MeanSquaredError"
  Loss (*make)();
};
const std::vector<Entry>& table() {
  static const std::vector<Entry> entries{
      {{"mean_squared_error", "mse"}, "MeanSquaredError", [] { return MeanSquaredError(); }},
      {{"mean_absolute_error", "mae"}, "MeanAbsoluteError", [] { return MeanAbsoluteError(); }},
      {{"huber"}, "Huber", [] { return Huber(); }},
      {{"binary_crossentropy"}, "BinaryCrossentropy", [] { return BinaryCrossentropy(); }},
      {{"categorical_crossentropy"}, "CategoricalCrossentropy", [] { return CategoricalCrossentropy(); }},
      {{"sparse_categorical_crossentropy"}, "SparseCategoricalCrossentropy",
       [] { return SparseCategoricalCrossentropy(); }}};
  return entries;
}
}  // namespace

const std::vector<std::string>& identifiers() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& e : table()) out.insert(out.end(), e.snake_case.begin(), e.snake_case.end());
    return out;
  }();
  return names;
}

Loss get(const std::string& identifier) {
  for (const auto& e : table()) {
    if (identifier == e.class_name) return e.make();
    for (const auto& name : e.snake_case) {
      if (identifier == name) return e.make();
    }
  }
  throw Error(fmt::format("Could not interpret loss identifier: '{}' (known: {})", identifier,
                          fmt::join(identifiers(), ", ")));
}

}  // namespace duet::keras::losses
