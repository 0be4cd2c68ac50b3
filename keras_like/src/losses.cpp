#include "duet/keras/losses.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/loss.h"

namespace duet::keras::losses {

namespace {
// Keras reduces a loss per sample over the last axis, then averages over the batch.
constexpr auto kKerasReduction = duet::Reduction::mean_of_row_means;
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

Loss get(const std::string& identifier) {
  if (identifier == "mean_squared_error" || identifier == "mse" || identifier == "MeanSquaredError") {
    return MeanSquaredError();
  }
  if (identifier == "mean_absolute_error" || identifier == "mae" || identifier == "MeanAbsoluteError") {
    return MeanAbsoluteError();
  }
  if (identifier == "huber" || identifier == "Huber") return Huber();
  throw Error(fmt::format("Could not interpret loss identifier: '{}' (known: mean_squared_error, mse, "
                          "mean_absolute_error, mae, huber)",
                          identifier));
}

}  // namespace duet::keras::losses
