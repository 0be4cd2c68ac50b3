#include "duet/keras/metrics.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/loss.h"

namespace duet::keras::metrics {

namespace {

// Per-sample accuracies averaged over the batch.
double binary_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  const auto& t = y_true.data();
  const auto& p = y_pred.data();
  if (t.size() != p.size()) throw Error("binary_accuracy: y_true and y_pred differ in size");
  double hits = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) hits += (p[i] > 0.5f ? 1.0f : 0.0f) == t[i];
  return hits / static_cast<double>(p.size());
}

std::int64_t argmax_row(const Tensor& t, std::int64_t row) {
  const std::int64_t cols = t.shape()[1];
  std::int64_t best = 0;
  for (std::int64_t c = 1; c < cols; ++c)
    if (t.at(row, c) > t.at(row, best)) best = c;
  return best;
}

double categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  const std::int64_t rows = y_pred.shape()[0];
  double hits = 0;
  for (std::int64_t r = 0; r < rows; ++r) hits += argmax_row(y_true, r) == argmax_row(y_pred, r);
  return hits / static_cast<double>(rows);
}

double sparse_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  const auto labels = losses::sparse_labels(y_true, y_pred.shape()[1]);
  double hits = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) hits += argmax_row(y_pred, static_cast<std::int64_t>(r)) == labels[r];
  return hits / static_cast<double>(labels.size());
}

}  // namespace

Metric get(const std::string& identifier, const std::string& loss_name, std::int64_t output_units) {
  if (identifier == "mae" || identifier == "mean_absolute_error") {
    return {identifier, [](const Tensor& t, const Tensor& p) {
              return static_cast<double>(absolute_error(p, t, duet::Reduction::mean_of_row_means).item());
            }};
  }
  if (identifier == "mse" || identifier == "mean_squared_error") {
    return {identifier, [](const Tensor& t, const Tensor& p) {
              return static_cast<double>(squared_error(p, t, duet::Reduction::mean_of_row_means).item());
            }};
  }
  if (identifier == "accuracy" || identifier == "acc") {
    if (loss_name == "sparse_categorical_crossentropy") return {identifier, sparse_categorical_accuracy};
    if (loss_name == "categorical_crossentropy") return {identifier, categorical_accuracy};
    if (loss_name == "binary_crossentropy" || output_units == 1) return {identifier, binary_accuracy};
    return {identifier, categorical_accuracy};
  }
  if (identifier == "binary_accuracy") return {identifier, binary_accuracy};
  if (identifier == "categorical_accuracy") return {identifier, categorical_accuracy};
  if (identifier == "sparse_categorical_accuracy") return {identifier, sparse_categorical_accuracy};
  throw Error(fmt::format("Could not interpret metric identifier: '{}' (known: accuracy, acc, binary_accuracy, "
                          "categorical_accuracy, sparse_categorical_accuracy, mae, mse)",
                          identifier));
}

}  // namespace duet::keras::metrics
