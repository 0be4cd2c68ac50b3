// torch.nn.functional's activations and normalisations over the core ops, with PyTorch's
// defaults and errors (torch/nn/functional.py).
#include "duet/torch/nn/functional.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/normalization.h"
#include "duet/core/ops.h"

namespace duet::torch::nn::functional {

Tensor elu(const Tensor& input, double alpha) { return duet::elu(input, static_cast<float>(alpha)); }
Tensor selu(const Tensor& input) { return duet::selu(input); }

GeluApproximation gelu_approximation(const std::string& approximate) {
  if (approximate == "none") return GeluApproximation::none;
  if (approximate == "tanh") return GeluApproximation::tanh;
  throw Error(fmt::format("GELU: approximate argument must be either none or tanh, got '{}'", approximate));
}

Tensor gelu(const Tensor& input, const std::string& approximate) {
  return duet::gelu(input, gelu_approximation(approximate));
}

Tensor leaky_relu(const Tensor& input, double negative_slope) {
  return duet::leaky_relu(input, static_cast<float>(negative_slope));
}

Tensor softplus(const Tensor& input, double beta, double threshold) {
  return duet::softplus(input, static_cast<float>(beta), static_cast<float>(threshold));
}

Tensor silu(const Tensor& input) { return duet::silu(input); }
Tensor hardsigmoid(const Tensor& input) { return duet::hard_sigmoid(input, HardSigmoidForm::relu6); }

namespace {

// weight / bias [C] shaped to broadcast against channels-first input of `rank`: [C, 1, ...].
Tensor per_channel(const Tensor& values, std::int64_t rank) {
  Shape shape{values.numel()};
  for (std::int64_t k = 2; k < rank; ++k) shape.push_back(1);
  return reshape(values, shape);
}

Tensor scale_and_shift(Tensor y, const Tensor& weight, const Tensor& bias, std::int64_t rank) {
  if (weight.defined()) y = mul(y, per_channel(weight, rank));
  if (bias.defined()) y = add(y, per_channel(bias, rank));
  return y;
}

// torch/nn/functional.py _verify_batch_size: N times the spatial sizes must exceed 1.
void verify_batch_size(const Shape& size) {
  std::int64_t values = size[0];
  for (int k = 2; k < size.rank(); ++k) values *= size[k];
  if (values == 1) {
    throw Error(fmt::format("Expected more than 1 value per channel when training, got input size torch.Size({})",
                            size.str()));
  }
}

}  // namespace

Tensor batch_norm(const Tensor& input, Tensor running_mean, Tensor running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  if (input.rank() < 2 || input.rank() > 4) {
    throw Error(fmt::format("batch_norm: expected an input [N, C], [N, C, L] or [N, C, H, W], got {}",
                            input.shape().str()));
  }
  if (!(eps >= 0) || !std::isfinite(eps)) throw Error(fmt::format("batch_norm: eps must be >= 0, got {:g}", eps));
  if (!(momentum >= 0) || !std::isfinite(momentum)) {
    throw Error(fmt::format("batch_norm: momentum must be >= 0, got {:g}", momentum));
  }
  const auto rank = static_cast<std::int64_t>(input.rank());
  const float epsilon = static_cast<float>(eps);
  if (!training) {
    if (!running_mean.defined() || !running_var.defined()) {
      throw Error("batch_norm: running_mean and running_var must be defined when training=False");
    }
    return scale_and_shift(normalize_with(input, running_mean, running_var, 1, epsilon), weight, bias, rank);
  }
  verify_batch_size(input.shape());
  const auto moments = batch_normalize(input, 1, epsilon);
  if (running_mean.defined() && running_var.defined()) {
    // torch/nn/modules/batchnorm.py: momentum weighs the new value; aten stores the unbiased variance.
    update_running_stats(running_mean, running_var, moments,
                         {momentum, MomentumWeighs::new_value, RunningVariance::unbiased});
  }
  return scale_and_shift(moments.normalized, weight, bias, rank);
}

Tensor layer_norm(const Tensor& input, const std::vector<std::int64_t>& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
  if (normalized_shape.size() != 1) {
    throw Error(fmt::format("layer_norm: Duet normalises over the last dim only, so normalized_shape holds one size; "
                            "got [{}]",
                            fmt::join(normalized_shape, ", ")));
  }
  if (input.rank() < 1 || input.shape()[input.rank() - 1] != normalized_shape[0]) {
    throw Error(fmt::format("Given normalized_shape=[{}], expected input with shape [*, {}], but got input of size{}",
                            normalized_shape[0], normalized_shape[0], input.shape().str()));
  }
  if (!(eps >= 0) || !std::isfinite(eps)) throw Error(fmt::format("layer_norm: eps must be >= 0, got {:g}", eps));
  Tensor y = layer_normalize(input, static_cast<float>(eps));
  if (weight.defined()) y = mul(y, weight);
  if (bias.defined()) y = add(y, bias);
  return y;
}

}  // namespace duet::torch::nn::functional
