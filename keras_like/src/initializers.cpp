// Keras' initializers by name (keras/src/initializers), mapped onto duet::init.
#include "duet/keras/initializers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <string_view>

#include "duet/core/error.h"
#include "duet/core/init.h"

namespace duet::keras::initializers {

namespace {

constexpr std::array<std::string_view, 13> kKnown = {
    "zeros",        "ones",          "glorot_uniform", "glorot_normal",  "he_uniform",       "he_normal",
    "lecun_uniform", "lecun_normal", "random_uniform", "random_normal", "truncated_normal", "uniform",
    "orthogonal"};

// keras/src/initializers/random_initializers.py compute_fans: rank 2 is [fan_in, fan_out];
// rank 1 uses its length for both; a scalar has fans of 1; a convolution kernel [..., in, out]
// multiplies both by its receptive field (the product of the leading, spatial sizes).
init::Fans keras_fans(const Shape& shape) {
  if (shape.rank() == 0) return {1, 1};
  if (shape.rank() == 1) return {shape[0], shape[0]};
  std::int64_t receptive_field = 1;
  for (int a = 0; a < shape.rank() - 2; ++a) receptive_field *= shape[a];
  return {shape[shape.rank() - 2] * receptive_field, shape[shape.rank() - 1] * receptive_field};
}

}  // namespace

void check_identifier(const std::string& identifier) {
  for (auto known : kKnown) {
    if (identifier == known) return;
  }
  throw Error(fmt::format("Could not interpret initializer identifier: '{}' (known: {})", identifier,
                          fmt::join(kKnown, ", ")));
}

Tensor initialize(const std::string& identifier, const Shape& shape, Generator& gen) {
  check_identifier(identifier);
  const init::Fans fans = keras_fans(shape);
  if (identifier == "zeros") return init::zeros(shape);
  if (identifier == "ones") return init::ones(shape);
  if (identifier == "glorot_uniform") return init::glorot_uniform(shape, fans, gen);
  if (identifier == "glorot_normal") return init::glorot_normal_truncated(shape, fans, gen);
  if (identifier == "he_uniform") return init::he_uniform(shape, fans, gen);
  if (identifier == "he_normal") return init::he_normal(shape, fans, gen);
  if (identifier == "lecun_uniform") return init::lecun_uniform(shape, fans, gen);
  if (identifier == "lecun_normal") return init::lecun_normal(shape, fans, gen);
  // Orthogonal(gain=1.0): recurrent kernels' default (keras/src/layers/rnn/*.py).
  if (identifier == "orthogonal") return init::orthogonal(shape, gen, 1.0f);
  // keras.initializers.RandomUniform / RandomNormal / TruncatedNormal defaults; "uniform" is
  // RandomUniform's alias, Embedding's default (keras/src/initializers/__init__.py ALL_OBJECTS_DICT).
  if (identifier == "random_uniform" || identifier == "uniform") return init::uniform(shape, -0.05f, 0.05f, gen);
  if (identifier == "random_normal") return init::normal(shape, 0.0f, 0.05f, gen);
  return init::truncated_normal(shape, 0.0f, 0.05f, gen);
}

}  // namespace duet::keras::initializers
