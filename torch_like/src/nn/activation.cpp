#include "duet/torch/nn/activation.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/dropout.h"
#include "duet/core/ops.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

Tensor ReLU::forward(const Tensor& input) { return relu(input); }
Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return duet::tanh(input); }
Tensor Softmax::forward(const Tensor& input) { return softmax(input, dim_); }
Tensor LogSoftmax::forward(const Tensor& input) { return log_softmax(input, dim_); }

Tensor Flatten::forward(const Tensor& input) {
  if (input.rank() < 1) throw Error("Flatten: a scalar has no batch axis");
  const std::int64_t rows = input.shape()[0];
  return reshape(input, Shape{rows, rows == 0 ? 0 : input.numel() / rows});
}

Dropout::Dropout(float p) : p_(p) {
  if (!(p >= 0 && p <= 1)) {
    throw Error(fmt::format("Dropout: dropout probability has to be between 0 and 1, but got {:g}", p));
  }
}

Tensor Dropout::forward(const Tensor& input) {
  if (!is_training() || p_ == 0.0f) return input;
  return dropout(input, p_, default_generator());
}

std::string Dropout::extra_repr() const { return fmt::format("p={:g}, inplace=False", p_); }

}  // namespace duet::torch::nn
