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
  set_input_shape(options_.input_shape, "Dense");
}

Shape Dense::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.rank() < 1) {
    throw Error(fmt::format("layer '{}' (Dense): needs inputs with at least one axis besides the batch, got {}",
                            name(), input_shape.str()));
  }
  Shape out = input_shape;
  out[input_shape.rank() - 1] = units_;
  return out;
}

void Dense::build(const Shape& input_shape, Generator& generator) {
  const Shape out = compute_output_shape(input_shape);  // checks the rank
  (void)out;
  const std::int64_t input_dim = input_shape[input_shape.rank() - 1];
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
  mark_built(input_shape);
}

Tensor Dense::call(const Tensor& inputs, bool) {
  try {
    if (inputs.rank() > 2) {
      // keras/src/layers/core/dense.py: ops.matmul over the last axis of any rank; here the
      // leading axes are folded into rows and unfolded again.
      const Shape in = inputs.shape();
      Shape out = in;
      out[in.rank() - 1] = units_;
      const Tensor rows = reshape(inputs, Shape{in.numel() / in[in.rank() - 1], in[in.rank() - 1]});
      return activation(options_.activation, reshape(affine(rows, kernel, bias, WeightLayout::in_out), out));
    }
    return activation(options_.activation, affine(inputs, kernel, bias, WeightLayout::in_out));
  } catch (const Error& e) {
    throw Error(fmt::format("layer '{}' (Dense, units={}): {}", name(), units_, e.what()));
  }
}

std::shared_ptr<Layer> Dense::clone() const { return std::make_shared<Dense>(units_, options_); }

}  // namespace duet::keras::layers
