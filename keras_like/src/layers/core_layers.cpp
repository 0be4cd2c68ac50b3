#include "duet/keras/layers/core_layers.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/dropout.h"
#include "duet/keras/layers/dense.h"
#include "duet/keras/utils.h"

namespace duet::keras::layers {

Input::Input(std::vector<std::int64_t> shape) {
  if (shape.empty()) throw Error("Input: shape must list the sizes of one sample, such as {2} or {28, 28, 1}");
  set_input_shape(shape, "Input");
}

Activation::Activation(std::string activation) : activation_(std::move(activation)) {
  check_activation_name(activation_, "Activation");
}

Tensor Activation::call(const Tensor& inputs, bool) { return activation(activation_, inputs); }

Dropout::Dropout(float rate) : rate_(rate) {
  if (!(rate >= 0 && rate < 1)) {
    throw Error(fmt::format("Dropout: Invalid value received for argument `rate`. Expected a float value between 0 "
                            "and 1. Received: rate={:g}",
                            rate));
  }
}

Tensor Dropout::call(const Tensor& inputs, bool training) {
  if (!training || rate_ == 0.0f) return inputs;
  return dropout(inputs, rate_, utils::default_generator());
}

}  // namespace duet::keras::layers
