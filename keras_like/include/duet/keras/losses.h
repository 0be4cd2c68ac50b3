// Keras losses: per-sample mean over the last axis, then the mean over the batch
// ("sum_over_batch_size"). Looked up by the names compile() accepts.
#pragma once

#include <functional>
#include <string>

#include "duet/core/tensor.h"

namespace duet::keras::losses {

// loss(y_true, y_pred) -> scalar, as Keras orders its arguments.
using LossFn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

struct Loss {
  std::string name;
  LossFn fn;
};

Loss MeanSquaredError();
Loss MeanAbsoluteError();
Loss Huber(float delta = 1.0f);

// "mean_squared_error" / "mse", "mean_absolute_error" / "mae", "huber", or a configured Loss.
Loss get(const std::string& identifier);

}  // namespace duet::keras::losses
