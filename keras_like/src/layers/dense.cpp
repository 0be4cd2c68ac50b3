#include "duet/keras/layers/dense.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/keras/initializers.h"
#include "duet/core/ops.h"

namespace duet::keras::layers {

Dense::Dense(std::int64_t units, DenseOptions options) : units_(units), options_(std::move(options)) {
  if (units <= 0) {
    throw Error(fmt::format("Dense: received an invalid value for `units`, expected a positive integer. "
                            "Received: units={}",
                            units));
  }
  check_activation_name(options_.activation, "Dense");
  try {
    initializers::check_identifier(options_.kernel_initializer);
    initializers::check_identifier(options_.bias_initializer);
  } catch (const Error& e) {
    throw Error(fmt::format("Dense: {}", e.what()));
  }
  if (!options_.input_shape.empty()) {
    if (options_.input_shape.size() != 1 || options_.input_shape[0] <= 0) {
      throw Error(fmt::format("Dense: input_shape must be one positive feature count such as {{1}}, got {} values",
                              options_.input_shape.size()));
    }
    input_shape_ = options_.input_shape;
  }
}

void Dense::build(std::int64_t input_dim, Generator& generator) {
  forget_weights();
  // keras/src/layers/core/dense.py build: the kernel first, then the bias (the draw order).
  kernel = add_weight({.name = "kernel",
                       .shape = {input_dim, units_},
                       .initializer = options_.kernel_initializer,
                       .regularizer = options_.kernel_regularizer},
                      generator);
  bias = options_.use_bias ? add_weight({.name = "bias",
                                         .shape = {units_},
                                         .initializer = options_.bias_initializer,
                                         .regularizer = options_.bias_regularizer},
                                        generator)
                           : Tensor();
  mark_built(input_dim);
}

Tensor Dense::call(const Tensor& inputs, bool) {
  try {
    return activation(options_.activation, affine(inputs, kernel, bias, WeightLayout::in_out));
  } catch (const Error& e) {
    throw Error(fmt::format("layer '{}' (Dense, units={}): {}", name(), units_, e.what()));
  }
}

std::shared_ptr<Layer> Dense::clone() const { return std::make_shared<Dense>(units_, options_); }

}  // namespace duet::keras::layers
