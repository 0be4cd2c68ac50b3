#include "duet/keras/layers/dense.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/core/ops.h"

namespace duet::keras::layers {

void check_activation_name(const std::string& name) {
  if (name != "linear" && name != "relu" && name != "sigmoid" && name != "tanh" && name != "softmax") {
    throw Error(fmt::format("Dense: unknown activation '{}' (expected linear, relu, sigmoid, tanh or softmax)", name));
  }
}

Tensor activation(const std::string& name, const Tensor& x) {
  if (name == "linear") return x;
  if (name == "relu") return relu(x);
  if (name == "sigmoid") return sigmoid(x);
  if (name == "tanh") return duet::tanh(x);
  if (name == "softmax") return softmax(x, -1);
  check_activation_name(name);
  return x;
}

namespace {

// Keras initializers by name; Dense kernels are [in, out], so fan_in = rows, fan_out = columns.
Tensor initialize(const std::string& name, const Shape& shape, Generator& gen) {
  const init::Fans fans{shape.rank() == 2 ? shape[0] : shape[0], shape.rank() == 2 ? shape[1] : shape[0]};
  if (name == "zeros") return init::zeros(shape);
  if (name == "ones") return init::ones(shape);
  if (name == "glorot_uniform") return init::glorot_uniform(shape, fans, gen);
  if (name == "glorot_normal") return init::glorot_normal_truncated(shape, fans, gen);
  if (name == "he_uniform") return init::he_uniform(shape, fans, gen);
  if (name == "he_normal") return init::he_normal(shape, fans, gen);
  if (name == "lecun_uniform") return init::lecun_uniform(shape, fans, gen);
  if (name == "lecun_normal") return init::lecun_normal(shape, fans, gen);
  // keras.initializers.RandomUniform / RandomNormal defaults.
  if (name == "random_uniform") return init::uniform(shape, -0.05f, 0.05f, gen);
  if (name == "random_normal") return init::normal(shape, 0.0f, 0.05f, gen);
  if (name == "truncated_normal") return init::truncated_normal(shape, 0.0f, 0.05f, gen);
  throw Error(fmt::format("Dense: unknown initializer '{}' (expected zeros, ones, glorot_uniform, glorot_normal, "
                          "he_uniform, he_normal, lecun_uniform, lecun_normal, random_uniform, random_normal or "
                          "truncated_normal)",
                          name));
}

}  // namespace

Dense::Dense(std::int64_t units, DenseOptions options) : units_(units), options_(std::move(options)) {
  if (units <= 0) {
    throw Error(fmt::format("Dense: received an invalid value for `units`, expected a positive integer. "
                            "Received: units={}",
                            units));
  }
  check_activation_name(options_.activation);
  if (!options_.input_shape.empty()) {
    if (options_.input_shape.size() != 1 || options_.input_shape[0] <= 0) {
      throw Error(fmt::format("Dense: input_shape must be one positive feature count such as {{1}}, got {} values",
                              options_.input_shape.size()));
    }
    input_shape_ = options_.input_shape;
  }
}

void Dense::build(std::int64_t input_dim, Generator& generator) {
  kernel = initialize(options_.kernel_initializer, Shape{input_dim, units_}, generator).set_requires_grad(true);
  if (options_.use_bias) bias = initialize(options_.bias_initializer, Shape{units_}, generator).set_requires_grad(true);
  mark_built();
}

Tensor Dense::call(const Tensor& inputs, bool) {
  try {
    return activation(options_.activation, affine(inputs, kernel, bias, WeightLayout::in_out));
  } catch (const Error& e) {
    throw Error(fmt::format("layer '{}' (Dense, units={}): {}", name(), units_, e.what()));
  }
}

std::vector<Tensor> Dense::weights() const {
  if (bias.defined()) return {kernel, bias};
  return {kernel};
}

}  // namespace duet::keras::layers
