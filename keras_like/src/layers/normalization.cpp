// keras.layers.Normalization for [samples, features] inputs: the statistics of adapt() and the
// epsilon guard of call() follow keras/src/layers/preprocessing/normalization.py.
#include "duet/keras/layers/normalization.h"

#include <fmt/format.h>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet::keras::layers {

namespace {

// keras.config.epsilon(): the floor on sqrt(variance) in call().
constexpr float kEpsilon = 1e-7f;

std::vector<float> broadcast_to_features(const std::vector<float>& values, std::int64_t features, const char* what) {
  if (values.size() == 1) return std::vector<float>(static_cast<std::size_t>(features), values[0]);
  if (static_cast<std::int64_t>(values.size()) != features) {
    throw Error(fmt::format("Normalization: {} has {} values, but the input has {} features (give one value or one "
                            "per feature)",
                            what, values.size(), features));
  }
  return values;
}

}  // namespace

Normalization::Normalization(NormalizationOptions options) : options_(std::move(options)) {
  const auto& m = options_.mean;
  const auto& v = options_.variance;
  if (m.has_value() != v.has_value()) {
    throw Error(fmt::format("Normalization: When setting values directly, both `mean` and `variance` must be set. "
                            "Received: mean={} and variance={}",
                            m ? "given" : "None", v ? "given" : "None"));
  }
  if (m && (m->empty() || m->size() != v->size())) {
    throw Error(fmt::format("Normalization: When setting values directly, `mean` and `variance` must have the same "
                            "non-zero size. Received: {} and {} values",
                            m->size(), v->size()));
  }
  if (v) {
    for (float x : *v) {
      if (!(x >= 0)) throw Error(fmt::format("Normalization: variance must not be negative, got {:g}", x));
    }
  }
  set_input_shape(options_.input_shape, "Normalization");
}

Shape Normalization::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.rank() != 1) {
    throw Error(fmt::format("layer '{}' (Normalization): takes [samples, features] data (one axis per sample), got "
                            "samples of shape {}",
                            name(), input_shape.str()));
  }
  return input_shape;
}

void Normalization::build(const Shape& input_shape, Generator& generator) {
  compute_output_shape(input_shape);  // checks the rank
  const std::int64_t input_dim = input_shape[0];
  forget_weights();
  if (options_.mean) {
    // Fixed values are constants, not weights (Keras' build with input_mean set).
    mean_ = Tensor::from_data({input_dim}, broadcast_to_features(*options_.mean, input_dim, "mean"));
    variance_ = Tensor::from_data({input_dim}, broadcast_to_features(*options_.variance, input_dim, "variance"));
  } else {
    mean_ = add_weight({.name = "mean", .shape = {input_dim}, .initializer = "zeros", .trainable = false}, generator);
    variance_ =
        add_weight({.name = "variance", .shape = {input_dim}, .initializer = "ones", .trainable = false}, generator);
    add_weight({.name = "count", .shape = {}, .initializer = "zeros", .trainable = false}, generator);
  }
  mark_built(input_shape);
}

void Normalization::adapt(const Tensor& data) {
  if (!data.defined() || data.rank() != 2 || data.shape()[0] == 0) {
    throw Error(fmt::format("Normalization.adapt: data must be a non-empty 2-D [samples, features] tensor, got {}",
                            data.defined() ? data.shape().str() : "undefined"));
  }
  if (options_.mean) {
    throw Error("Normalization.adapt: the layer was given a fixed mean and variance; adapt() would ignore them");
  }
  require_finite(data, "Normalization.adapt: data");
  const std::int64_t rows = data.shape()[0], features = data.shape()[1];
  if (!built()) {
    Generator unused(0);  // zeros and ones draw nothing
    build(Shape{features}, unused);
  } else if ((*built_input_shape())[0] != features) {
    throw Error(fmt::format("Normalization.adapt: The layer was built with input_shape=(None, {}), but adapt() is "
                            "being called with data with an incompatible shape, data.shape={}",
                            (*built_input_shape())[0], data.shape().str()));
  }
  // Two passes in double: the mean, then the mean squared deviation (population variance).
  const auto& x = data.data();
  auto& mean = mean_.mutable_data();
  auto& variance = variance_.mutable_data();
  for (std::int64_t f = 0; f < features; ++f) {
    double sum = 0;
    for (std::int64_t r = 0; r < rows; ++r) sum += x[r * features + f];
    const double m = sum / static_cast<double>(rows);
    double squares = 0;
    for (std::int64_t r = 0; r < rows; ++r) squares += (x[r * features + f] - m) * (x[r * features + f] - m);
    mean[f] = static_cast<float>(m);
    variance[f] = static_cast<float>(squares / static_cast<double>(rows));
  }
}

Tensor Normalization::call(const Tensor& inputs, bool) {
  if (!built()) throw Error(fmt::format("layer '{}' (Normalization): call build or adapt before using it", name()));
  if (inputs.rank() != 2 || inputs.shape()[1] != (*built_input_shape())[0]) {
    throw Error(fmt::format("layer '{}' (Normalization): expected inputs [samples, {}], got {}", name(),
                            (*built_input_shape())[0], inputs.shape().str()));
  }
  // The divisor max(sqrt(variance), epsilon) is a constant of the graph: the statistics are not trained.
  const Tensor scale = Tensor::from_array(variance_.shape(), variance_.data().sqrt().max(kEpsilon));
  const Tensor mean = mean_.detach();
  if (options_.invert) return add(mean, mul(inputs, scale));
  return div(sub(inputs, mean), scale);
}

}  // namespace duet::keras::layers
