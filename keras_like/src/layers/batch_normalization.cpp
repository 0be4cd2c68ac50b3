// keras.layers.BatchNormalization and LayerNormalization over the last axis; the arithmetic is
// core's (duet/core/normalization.h), the defaults and the moving-statistics rule Keras 3's.
#include "duet/keras/layers/batch_normalization.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <tuple>
#include <utility>

#include "duet/core/error.h"
#include "duet/core/normalization.h"
#include "duet/core/ops.h"
#include "duet/keras/initializers.h"

namespace duet::keras::layers {

namespace {

void check_epsilon(float epsilon, const char* layer) {
  if (!(epsilon >= 0) || !std::isfinite(epsilon)) {
    throw Error(fmt::format("{}: epsilon must be a finite number >= 0, got {:g}", layer, epsilon));
  }
}

// The size of the last axis of a sample shape (the axis both layers normalise).
std::int64_t last_axis(const Shape& input_shape, const Layer& layer) {
  if (input_shape.rank() < 1) {
    throw Error(fmt::format("layer '{}' ({}): needs inputs with at least one axis besides the batch, got {}",
                            layer.name(), layer.class_name(), input_shape.str()));
  }
  return input_shape[input_shape.rank() - 1];
}

Tensor scaled_and_shifted(Tensor y, const Tensor& gamma, const Tensor& beta) {
  if (gamma.defined()) y = mul(y, gamma);  // [C] broadcasts against the last axis
  if (beta.defined()) y = add(y, beta);
  return y;
}

// inputs: the batch axis, then the built sample shape.
void check_features(const Tensor& inputs, const Shape& sample, const Layer& layer) {
  bool fits = inputs.rank() == sample.rank() + 1;
  for (int k = 0; fits && k < sample.rank(); ++k) fits = inputs.shape()[k + 1] == sample[k];
  if (!fits) {
    throw Error(fmt::format("layer '{}' ({}): expected inputs (None, {}) as built, got {}", layer.name(),
                            layer.class_name(), fmt::join(sample, ", "), inputs.shape().str()));
  }
}

// gamma (with scale) and beta (with center), in that order, as both normalisation layers create
// them (batch_normalization.py and layer_normalization.py build); `add` is the layer's add_weight.
template <typename Options, typename AddWeight>
std::pair<Tensor, Tensor> gamma_and_beta(const Options& o, const Shape& shape, AddWeight add) {
  Tensor g = o.scale ? add({.name = "gamma", .shape = shape, .initializer = o.gamma_initializer}) : Tensor();
  Tensor b = o.center ? add({.name = "beta", .shape = shape, .initializer = o.beta_initializer}) : Tensor();
  return {g, b};
}

}  // namespace

BatchNormalization::BatchNormalization(BatchNormalizationOptions options) : options_(std::move(options)) {
  check_epsilon(options_.epsilon, "BatchNormalization");
  if (!(options_.momentum >= 0 && options_.momentum <= 1)) {
    throw Error(fmt::format("BatchNormalization: momentum must be in [0, 1] (the weight of the moving value), got {:g}",
                            options_.momentum));
  }
  for (const auto* id : {&options_.beta_initializer, &options_.gamma_initializer, &options_.moving_mean_initializer,
                         &options_.moving_variance_initializer}) {
    initializers::check_identifier(*id);
  }
  set_input_shape(options_.input_shape, "BatchNormalization");
}

void BatchNormalization::build(const Shape& input_shape, Generator& generator) {
  const std::int64_t input_dim = last_axis(input_shape, *this);
  forget_weights();
  // batch_normalization.py build: gamma, beta, moving_mean, moving_variance, in that order.
  const Shape shape{input_dim};
  std::tie(gamma, beta) =
      gamma_and_beta(options_, shape, [&](const WeightSpec& spec) { return add_weight(spec, generator); });
  moving_mean = add_weight(
      {.name = "moving_mean", .shape = shape, .initializer = options_.moving_mean_initializer, .trainable = false},
      generator);
  moving_variance = add_weight({.name = "moving_variance",
                                .shape = shape,
                                .initializer = options_.moving_variance_initializer,
                                .trainable = false},
                               generator);
  mark_built(input_shape);
}

Tensor BatchNormalization::call(const Tensor& inputs, bool training) {
  if (!built()) throw Error(fmt::format("layer '{}' (BatchNormalization): call build before using it", name()));
  check_features(inputs, *built_input_shape(), *this);
  if (!training) {
    return scaled_and_shifted(normalize_with(inputs, moving_mean, moving_variance, -1, options_.epsilon), gamma, beta);
  }
  // Keras takes a batch of one row in training (its variance is 0); PyTorch refuses it.
  const auto moments = batch_normalize(inputs, -1, options_.epsilon);
  // moving = moving * momentum + batch * (1 - momentum), with the biased variance of ops.moments.
  update_running_stats(moving_mean, moving_variance, moments,
                       {options_.momentum, MomentumWeighs::old_value, RunningVariance::biased});
  return scaled_and_shifted(moments.normalized, gamma, beta);
}

LayerNormalization::LayerNormalization(LayerNormalizationOptions options) : options_(std::move(options)) {
  check_epsilon(options_.epsilon, "LayerNormalization");
  initializers::check_identifier(options_.beta_initializer);
  initializers::check_identifier(options_.gamma_initializer);
  set_input_shape(options_.input_shape, "LayerNormalization");
}

void LayerNormalization::build(const Shape& input_shape, Generator& generator) {
  const std::int64_t input_dim = last_axis(input_shape, *this);
  forget_weights();
  const Shape shape{input_dim};
  std::tie(gamma, beta) =
      gamma_and_beta(options_, shape, [&](const WeightSpec& spec) { return add_weight(spec, generator); });
  mark_built(input_shape);
}

Tensor LayerNormalization::call(const Tensor& inputs, bool) {
  if (!built()) throw Error(fmt::format("layer '{}' (LayerNormalization): call build before using it", name()));
  check_features(inputs, *built_input_shape(), *this);
  return scaled_and_shifted(layer_normalize(inputs, options_.epsilon), gamma, beta);
}

}  // namespace duet::keras::layers
