#include "duet/torch/nn/activation.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/dropout.h"
#include "duet/core/ops.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

Tensor ReLUImpl::forward(const Tensor& input) { return relu(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }
Tensor TanhImpl::forward(const Tensor& input) { return duet::tanh(input); }
Tensor SoftmaxImpl::forward(const Tensor& input) { return softmax(input, static_cast<int>(options.dim())); }
Tensor LogSoftmaxImpl::forward(const Tensor& input) { return log_softmax(input, static_cast<int>(options.dim())); }

Tensor FlattenImpl::forward(const Tensor& input) {
  if (input.rank() < 1) throw Error("Flatten: a scalar has no batch axis");
  return input.flatten(options.start_dim(), options.end_dim());
}

std::string FlattenImpl::extra_repr() const {
  return fmt::format("start_dim={}, end_dim={}", options.start_dim(), options.end_dim());
}

DropoutImpl::DropoutImpl(const DropoutOptions& opts) : options(opts) {
  const double p = options.p();
  if (!(p >= 0 && p <= 1)) {
    throw Error(fmt::format("Dropout: dropout probability has to be between 0 and 1, but got {:g}", p));
  }
}

Tensor DropoutImpl::forward(const Tensor& input) {
  if (!is_training() || options.p() == 0.0) return input;
  return dropout(input, static_cast<float>(options.p()), default_generator());
}

std::string DropoutImpl::extra_repr() const { return fmt::format("p={:g}, inplace=False", options.p()); }

}  // namespace duet::torch::nn
