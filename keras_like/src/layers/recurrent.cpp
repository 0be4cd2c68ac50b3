// keras.layers.SimpleRNN / LSTM / GRU over the core's recurrent loops (duet/core/recurrent.h),
// with Keras' layout (kernel [in, G*units], WeightLayout::in_out), one bias and its gate orders.
#include "duet/keras/layers/recurrent.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/core/recurrent.h"
#include "duet/core/sequence.h"
#include "duet/keras/initializers.h"
#include "duet/keras/layers/dense.h"

namespace duet::keras::layers {

namespace {
// tanh and sigmoid (activations.cpp's duet::tanh and duet::sigmoid) are known to the fused cells.
recurrent::Activation<float> by_name(const std::string& name) {
  if (name == "tanh") return recurrent::Activation<float>::tanh();
  if (name == "sigmoid") return recurrent::Activation<float>::sigmoid();
  return [name](const Tensor& x) { return activation(name, x); };
}
}  // namespace

RecurrentLayer::RecurrentLayer(const char* kind, std::int64_t gates, std::int64_t units, RecurrentOptions options)
    : kind_(kind), gates_(gates), units_(units), options_(std::move(options)) {
  if (units <= 0) {
    // keras/src/layers/rnn/lstm.py LSTMCell.__init__
    throw Error(fmt::format("{}: Received an invalid value for argument `units`, expected a positive integer, got {}.",
                            kind, units));
  }
  check_activation_name(options_.activation, kind);
  check_activation_name(options_.recurrent_activation, kind);
  try {
    initializers::check_identifier(options_.kernel_initializer);
    initializers::check_identifier(options_.recurrent_initializer);
    initializers::check_identifier(options_.bias_initializer);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", kind, e.what()));
  }
  set_input_shape(options_.input_shape, kind);
}

Shape RecurrentLayer::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.rank() != 2) {
    // keras/src/layers/input_spec.py: "expected ndim=3, found ndim=2"
    throw Error(fmt::format("Input 0 of layer '{}' ({}) is incompatible with the layer: expected ndim=3, found "
                            "ndim={}. Full shape received: (None, {}) (recurrent layers take sequences "
                            "[batch, steps, features])",
                            name(), kind_, input_shape.rank() + 1, fmt::join(input_shape, ", ")));
  }
  return options_.return_sequences ? Shape{input_shape[0], units_} : Shape{units_};
}

void RecurrentLayer::build(const Shape& input_shape, Generator& generator) {
  (void)compute_output_shape(input_shape);
  const std::int64_t features = input_shape[1], width = gates_ * units_;
  forget_weights();
  // keras/src/layers/rnn/*.py build(): kernel, recurrent_kernel, bias, in this (draw) order.
  kernel = add_weight({.name = "kernel", .shape = {features, width}, .initializer = options_.kernel_initializer},
                      generator);
  recurrent_kernel = add_weight(
      {.name = "recurrent_kernel", .shape = {units_, width}, .initializer = options_.recurrent_initializer},
      generator);
  bias = Tensor();
  if (options_.use_bias) {
    const bool gru_two_rows = gates_ == 3 && options_.reset_after;
    const Shape shape = gru_two_rows ? Shape{2, width} : Shape{width};
    bias = add_weight({.name = "bias", .shape = shape, .initializer = "zeros"}, generator);
    if (gates_ == 4 && options_.unit_forget_bias) {
      // keras/src/layers/rnn/lstm.py build: bias_initializer((units,)), ones((units,)),
      // bias_initializer((2 * units,)) concatenated: the forget block starts at 1.
      Tensor::Array v(width);
      v.head(units_) = initializers::initialize(options_.bias_initializer, {units_}, generator).data();
      v.segment(units_, units_).setConstant(1.0f);
      v.tail(2 * units_) = initializers::initialize(options_.bias_initializer, {2 * units_}, generator).data();
      bias.mutable_data() = v;
    } else {
      bias.mutable_data() = initializers::initialize(options_.bias_initializer, shape, generator).data();
    }
  }
  mark_built(input_shape);
}

void RecurrentLayer::check_inputs(const Tensor& inputs) const {
  if (inputs.rank() != 3) {
    throw Error(fmt::format("Input 0 of layer '{}' ({}) is incompatible with the layer: expected ndim=3, found "
                            "ndim={}. Full shape received: {}",
                            name(), kind_, inputs.rank(), inputs.shape().str()));
  }
}

Tensor RecurrentLayer::finish(const Tensor& all_steps) const {
  return options_.return_sequences ? all_steps : time_step(all_steps, all_steps.shape()[1] - 1);
}

namespace {
recurrent::Weights<float> keras_weights(const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias) {
  return {kernel, recurrent_kernel, bias, Tensor(), WeightLayout::in_out};
}
Tensor zero_state(const Tensor& inputs, std::int64_t units) { return Tensor::zeros({inputs.shape()[0], units}); }
}  // namespace

SimpleRNN::SimpleRNN(std::int64_t units, RecurrentOptions options)
    : RecurrentLayer("SimpleRNN", 1, units, std::move(options)) {}
Tensor SimpleRNN::call(const Tensor& inputs, bool) {
  check_inputs(inputs);
  return finish(recurrent::simple_rnn(inputs, zero_state(inputs, units_), keras_weights(kernel, recurrent_kernel, bias),
                                      by_name(options_.activation)));
}
std::shared_ptr<Layer> SimpleRNN::clone() const { return std::make_shared<SimpleRNN>(units_, options_); }

LSTM::LSTM(std::int64_t units, RecurrentOptions options) : RecurrentLayer("LSTM", 4, units, std::move(options)) {}
Tensor LSTM::call(const Tensor& inputs, bool) {
  check_inputs(inputs);
  const Tensor h0 = zero_state(inputs, units_);
  return finish(recurrent::lstm(inputs, h0, h0, keras_weights(kernel, recurrent_kernel, bias),
                                by_name(options_.activation), by_name(options_.recurrent_activation))
                    .outputs);
}
std::shared_ptr<Layer> LSTM::clone() const { return std::make_shared<LSTM>(units_, options_); }

GRU::GRU(std::int64_t units, RecurrentOptions options) : RecurrentLayer("GRU", 3, units, std::move(options)) {}
Tensor GRU::call(const Tensor& inputs, bool) {
  check_inputs(inputs);
  // keras/src/layers/rnn/gru.py: gate blocks z, r, h; with reset_after the bias is [2, 3u]: row 0
  // added to the input product, row 1 to the recurrent product (inside r * (...)).
  constexpr recurrent::GruGates kKerasGates{.update = 0, .reset = 1, .candidate = 2};
  recurrent::Weights<float> w = keras_weights(kernel, recurrent_kernel, bias);
  if (bias.defined() && options_.reset_after) {
    const std::int64_t width = 3 * units_;
    w.input_bias = reshape(slice_rows(bias, 0, 1), Shape{width});
    w.recurrent_bias = reshape(slice_rows(bias, 1, 2), Shape{width});
  }
  const auto reset = options_.reset_after ? recurrent::ResetGate::after_product : recurrent::ResetGate::before_product;
  return finish(recurrent::gru(inputs, zero_state(inputs, units_), w, kKerasGates, reset,
                               by_name(options_.activation), by_name(options_.recurrent_activation)));
}
std::shared_ptr<Layer> GRU::clone() const { return std::make_shared<GRU>(units_, options_); }

}  // namespace duet::keras::layers
