#include "duet/torch/nn/activation.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/activations.h"
#include "duet/core/error.h"
#include "duet/core/dropout.h"
#include "duet/core/ops.h"
#include "duet/torch/nn/functional.h"
#include "duet/torch/tensor.h"
#include "python_float.h"

namespace duet::torch::nn {

Tensor ReLUImpl::forward(const Tensor& input) { return relu(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }
Tensor TanhImpl::forward(const Tensor& input) { return duet::tanh(input); }
namespace F = functional;

Tensor ELUImpl::forward(const Tensor& input) { return F::elu(input, options.alpha()); }
std::string ELUImpl::extra_repr() const { return "alpha=" + python_float(options.alpha()); }

Tensor SELUImpl::forward(const Tensor& input) { return F::selu(input); }

GELUImpl::GELUImpl(const GELUOptions& opts) : options(opts) {
  F::gelu_approximation(options.approximate());  // rejects an unknown name now, as PyTorch's forward would
}
Tensor GELUImpl::forward(const Tensor& input) { return F::gelu(input, options.approximate()); }

Tensor LeakyReLUImpl::forward(const Tensor& input) { return F::leaky_relu(input, options.negative_slope()); }
std::string LeakyReLUImpl::extra_repr() const { return "negative_slope=" + python_float(options.negative_slope()); }

SoftplusImpl::SoftplusImpl(const SoftplusOptions& opts) : options(opts) {
  if (!(options.beta() != 0) || !std::isfinite(options.beta())) {
    throw Error(fmt::format("Softplus: beta must be a finite non-zero number, got {:g}", options.beta()));
  }
}
Tensor SoftplusImpl::forward(const Tensor& input) { return F::softplus(input, options.beta(), options.threshold()); }
// PyTorch's defaults are the ints 1 and 20, printed without a decimal point.
std::string SoftplusImpl::extra_repr() const {
  return fmt::format("beta={:g}, threshold={:g}", options.beta(), options.threshold());
}

Tensor SiLUImpl::forward(const Tensor& input) { return F::silu(input); }
Tensor HardsigmoidImpl::forward(const Tensor& input) { return F::hardsigmoid(input); }

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

Dropout2dImpl::Dropout2dImpl(const Dropout2dOptions& opts) : options(opts) {
  const double p = options.p();
  if (!(p >= 0 && p <= 1)) {
    throw Error(fmt::format("Dropout2d: dropout probability has to be between 0 and 1, but got {:g}", p));
  }
}

Tensor Dropout2dImpl::forward(const Tensor& input) {
  // libtorch's _dropoutNd_helper: 4-D is batched, 3-D one unbatched sample (given a batch axis
  // of 1 for the draw); libtorch only warns on other ranks, Duet refuses them.
  if (input.rank() != 3 && input.rank() != 4) {
    throw Error(fmt::format("Dropout2d: expected a 4-D input [N, C, H, W] or a 3-D unbatched input [C, H, W], "
                            "got shape {}",
                            input.shape().str()));
  }
  if (!is_training() || options.p() == 0.0) return input;
  const auto p = static_cast<float>(options.p());
  if (input.rank() == 4) return feature_dropout(input, p, default_generator(), "Dropout2d");
  return feature_dropout(input.unsqueeze(0), p, default_generator(), "Dropout2d").squeeze(0);
}

std::string Dropout2dImpl::extra_repr() const { return fmt::format("p={:g}, inplace=False", options.p()); }

}  // namespace duet::torch::nn
