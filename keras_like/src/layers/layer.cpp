// Named weights of a Keras layer (keras/src/layers/layer.py add_weight, weights, count_params).
#include "duet/keras/layers/layer.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/keras/initializers.h"

namespace duet::keras::layers {

Tensor Layer::add_weight(const WeightSpec& spec, Generator& generator) {
  if (spec.name.empty()) throw Error(fmt::format("layer '{}': add_weight needs a name", name_));
  for (const auto& w : weights_) {
    if (w.name == spec.name) throw Error(fmt::format("layer '{}' already has a weight named '{}'", name_, spec.name));
  }
  Tensor value;
  try {
    value = initializers::initialize(spec.initializer, spec.shape, generator);
  } catch (const Error& e) {
    throw Error(fmt::format("layer '{}' ({}), weight '{}': {}", name_, class_name(), spec.name, e.what()));
  }
  // Only trainable weights take part in the graph; the others change through assignment.
  if (spec.trainable) value.set_requires_grad(true);
  weights_.push_back({spec.name, value, spec.trainable, spec.regularizer});
  return value;
}

void Layer::set_input_shape(const std::vector<std::int64_t>& shape, const char* layer) {
  if (shape.empty()) return;
  // A sample of rank 3 plus the batch axis is the largest tensor Duet holds (images: NHWC).
  if (shape.size() > static_cast<std::size_t>(Shape::kMaxRank - 1)) {
    throw Error(fmt::format("{}: input_shape has {} sizes; at most {} (e.g. {{height, width, channels}}) are supported",
                            layer, shape.size(), Shape::kMaxRank - 1));
  }
  for (const auto d : shape) {
    if (d <= 0) throw Error(fmt::format("{}: input_shape sizes must be positive, got {}", layer, Dims(shape).str()));
  }
  input_shape_ = Shape(shape.begin(), shape.end());
}

std::vector<Weight> Layer::weights() const {
  std::vector<Weight> out;
  for (const auto& w : weights_)
    if (w.trainable) out.push_back(w);
  for (const auto& w : weights_)
    if (!w.trainable) out.push_back(w);
  return out;
}

std::vector<Tensor> Layer::trainable_weights() const {
  std::vector<Tensor> out;
  out.reserve(weights_.size());  // one allocation: fit asks for them on every call
  for (const auto& w : weights_)
    if (w.trainable) out.push_back(w.value);
  return out;
}

std::vector<Tensor> Layer::non_trainable_weights() const {
  std::vector<Tensor> out;
  for (const auto& w : weights_)
    if (!w.trainable) out.push_back(w.value);
  return out;
}

std::vector<Tensor> Layer::losses() const {
  std::vector<Tensor> out;
  for (const auto& w : weights_)
    if (w.regularizer) out.push_back((*w.regularizer)(w.value));
  return out;
}

std::int64_t Layer::count_params() const {
  std::int64_t n = 0;
  for (const auto& w : weights_) n += w.value.numel();
  return n;
}

}  // namespace duet::keras::layers
