#include "duet/torch/nn/activation.h"

#include "duet/core/ops.h"

namespace duet::torch::nn {

Tensor ReLU::forward(const Tensor& input) { return relu(input); }
Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }
Tensor Tanh::forward(const Tensor& input) { return duet::tanh(input); }
Tensor Softmax::forward(const Tensor& input) { return softmax(input, dim_); }
Tensor LogSoftmax::forward(const Tensor& input) { return log_softmax(input, dim_); }

}  // namespace duet::torch::nn
