// keras.layers.Flatten and Reshape.
#include "duet/keras/layers/reshaping.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet::keras::layers {

Flatten::Flatten(FlattenOptions options) : options_(std::move(options)) {
  set_input_shape(options_.input_shape, "Flatten");
}

Shape Flatten::compute_output_shape(const Shape& input_shape) const { return Shape{input_shape.numel()}; }

Tensor Flatten::call(const Tensor& inputs, bool) {
  if (inputs.rank() < 1) throw Error(fmt::format("layer '{}' (Flatten): a scalar has no batch axis", name()));
  const std::int64_t n = inputs.shape()[0];
  return reshape(inputs, Shape{n, n == 0 ? 0 : inputs.numel() / n});
}

Reshape::Reshape(std::vector<std::int64_t> target_shape, ReshapeOptions options)
    : target_(std::move(target_shape)), options_(std::move(options)) {
  int unknown = 0;
  for (auto d : target_) {
    if (d == -1) ++unknown;
    else if (d <= 0) throw Error(fmt::format("Reshape: target_shape sizes must be positive or -1, got ({})", fmt::join(target_, ", ")));
  }
  if (unknown > 1) {
    throw Error(fmt::format("Reshape: There must be at most one unknown dimension (-1) in target_shape. Received: "
                            "target_shape=({})",
                            fmt::join(target_, ", ")));
  }
  if (target_.empty() || target_.size() > static_cast<std::size_t>(Shape::kMaxRank - 1)) {
    throw Error(fmt::format("Reshape: target_shape needs 1 to {} sizes, got {}", Shape::kMaxRank - 1, target_.size()));
  }
  set_input_shape(options_.input_shape, "Reshape");
}

Shape Reshape::compute_output_shape(const Shape& input_shape) const {
  std::int64_t known = 1;
  for (auto d : target_)
    if (d != -1) known *= d;
  const std::int64_t total = input_shape.numel();
  Shape out;
  for (auto d : target_) out.push_back(d == -1 ? (known == 0 ? 0 : total / known) : d);
  if (out.numel() != total) {
    throw Error(fmt::format("layer '{}' (Reshape): total size of the input ({}, shape {}) does not match the "
                            "target_shape ({})",
                            name(), total, input_shape.str(), fmt::join(target_, ", ")));
  }
  return out;
}

void Reshape::build(const Shape& input_shape, Generator&) {
  compute_output_shape(input_shape);
  mark_built(input_shape);
}

Tensor Reshape::call(const Tensor& inputs, bool) {
  const Shape sample(inputs.shape().begin() + 1, inputs.shape().end());
  Shape out{inputs.shape()[0]};
  for (auto d : compute_output_shape(sample)) out.push_back(d);
  return reshape(inputs, out);
}

}  // namespace duet::keras::layers
