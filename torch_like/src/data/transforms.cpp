// Normalize and Stack for Example<> batches (torch/data/transforms/tensor.h, stack.h).
#include "duet/torch/data/transforms.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/torch/functions.h"
#include "duet/torch/tensor.h"

namespace duet::torch::data::transforms {

namespace {
// One value per channel as [C, 1, 1], so that it broadcasts over a [C, H, W] image.
Tensor per_channel(const std::vector<double>& values, const char* what) {
  if (values.empty()) throw Error(fmt::format("Normalize: {} needs at least one value", what));
  std::vector<float> floats(values.begin(), values.end());
  const auto channels = static_cast<std::int64_t>(floats.size());
  return Tensor::from_data(Shape{channels, 1, 1}, std::move(floats));
}
}  // namespace

template <>
Normalize<Tensor>::Normalize(const std::vector<double>& mean_values, const std::vector<double>& stddev_values)
    : mean(per_channel(mean_values, "mean")), stddev(per_channel(stddev_values, "stddev")) {
  for (double s : stddev_values) {
    if (s == 0) throw Error("Normalize: stddev must not be 0 (it divides)");
  }
}

template <>
Tensor Normalize<Tensor>::operator()(Tensor input) {
  const std::int64_t channels = mean.size(0);
  if (channels > 1 && (input.rank() < 3 || input.size(-3) != channels)) {
    throw Error(fmt::format("Normalize: {} channel values need data of shape [{}, H, W], got {}", channels, channels,
                            input.shape().str()));
  }
  return (input - mean) / stddev;
}

Example<> Stack<Example<>>::apply_batch(std::vector<Example<>> examples) {
  if (examples.empty()) throw Error("Stack: cannot stack an empty batch");
  std::vector<Tensor> data, targets;
  data.reserve(examples.size());
  targets.reserve(examples.size());
  for (auto& example : examples) {
    data.push_back(std::move(example.data));
    targets.push_back(std::move(example.target));
  }
  return {duet::torch::stack(data), duet::torch::stack(targets)};
}

}  // namespace duet::torch::data::transforms
