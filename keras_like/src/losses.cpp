#include "duet/keras/losses.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <vector>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/loss.h"
#include "duet/core/ops.h"
#include "duet/core/weighted_loss.h"

namespace duet::keras::losses {

namespace {
// Keras reduces a loss per sample over the last axis, then averages over the batch.
constexpr auto kKerasReduction = duet::Reduction::mean_of_row_means;
constexpr auto kPerSampleMean = duet::Reduction::mean;  // for losses already per sample
// keras.config.epsilon(): the fuzz factor Keras clips probabilities with before a log.
constexpr double kEpsilon = 1e-7;
}  // namespace

namespace {
// A loss from its elementwise form (reduction `none`): per sample the mean over the last axis,
// then the batch mean (`fn`, Keras' "sum_over_batch_size").
Loss elementwise(std::string name, std::function<Tensor(const Tensor&, const Tensor&, duet::Reduction)> loss) {
  return {std::move(name),
          [loss](const Tensor& y_true, const Tensor& y_pred) { return loss(y_true, y_pred, kKerasReduction); },
          [loss](const Tensor& y_true, const Tensor& y_pred) {
            const Tensor each = loss(y_true, y_pred, duet::Reduction::none);
            return each.rank() < 2 ? each : mean(each, -1);
          }};
}
// A loss already per sample over classes (reduction `none` gives [N]).
Loss per_sample_loss(std::string name, std::function<Tensor(const Tensor&, const Tensor&, duet::Reduction)> loss) {
  return {std::move(name),
          [loss](const Tensor& y_true, const Tensor& y_pred) { return loss(y_true, y_pred, kPerSampleMean); },
          [loss](const Tensor& y_true, const Tensor& y_pred) { return loss(y_true, y_pred, duet::Reduction::none); }};
}
void require_label_smoothing(float ls, const char* loss) {
  if (!(ls >= 0.0f && ls <= 1.0f)) {
    throw Error(fmt::format("{}: label_smoothing must be in [0, 1]. Received: label_smoothing={:g}", loss, ls));
  }
}
}  // namespace

Loss MeanSquaredError() {
  Loss l = elementwise("mean_squared_error", [](const Tensor& y_true, const Tensor& y_pred, duet::Reduction r) {
    return squared_error(y_pred, y_true, r);
  });
  return l;
}

Loss MeanAbsoluteError() {
  return elementwise("mean_absolute_error", [](const Tensor& y_true, const Tensor& y_pred, duet::Reduction r) {
    return absolute_error(y_pred, y_true, r);
  });
}

Loss Huber(float delta) {
  if (!(delta > 0)) throw Error(fmt::format("Huber: delta must be positive, got {:g}", delta));
  return elementwise("huber", [delta](const Tensor& y_true, const Tensor& y_pred, duet::Reduction r) {
    return huber(y_pred, y_true, delta, r);
  });
}

Loss BinaryCrossentropy(bool from_logits, float label_smoothing) {
  require_label_smoothing(label_smoothing, "BinaryCrossentropy");
  return elementwise("binary_crossentropy", [from_logits, label_smoothing](const Tensor& y_true, const Tensor& y_pred,
                                                                           duet::Reduction r) {
    // keras/src/losses/losses.py binary_crossentropy: towards 0.5, whatever the number of outputs.
    const Tensor y = label_smoothing > 0 ? smooth_binary_targets(y_true, label_smoothing) : y_true;
    return from_logits ? binary_cross_entropy_with_logits(y_pred, y, r)
                       : binary_cross_entropy(y_pred, y, duet::ProbabilityGuard::clip(kEpsilon), r);
  });
}

Loss CategoricalCrossentropy(bool from_logits, float label_smoothing) {
  require_label_smoothing(label_smoothing, "CategoricalCrossentropy");
  return per_sample_loss("categorical_crossentropy", [from_logits, label_smoothing](const Tensor& y_true,
                                                                                    const Tensor& y_pred,
                                                                                    duet::Reduction r) {
    // keras/src/losses/losses.py categorical_crossentropy: towards 1 / num_classes.
    const Tensor y = label_smoothing > 0 ? smooth_categorical_targets(y_true, label_smoothing) : y_true;
    return from_logits ? cross_entropy_with_logits(y_pred, y, r) : categorical_cross_entropy(y_pred, y, kEpsilon, r);
  });
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
  return per_sample_loss("sparse_categorical_crossentropy", [from_logits](const Tensor& y_true, const Tensor& y_pred,
                                                                          duet::Reduction r) {
    if (y_pred.rank() != 2) {
      throw Error(fmt::format("sparse_categorical_crossentropy: predictions must be [N, classes], got {}",
                              y_pred.shape().str()));
    }
    const auto labels = sparse_labels(y_true, y_pred.shape()[1]);
    return from_logits ? cross_entropy_with_logits(y_pred, labels, r) : categorical_cross_entropy(y_pred, labels, kEpsilon, r);
  });
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
