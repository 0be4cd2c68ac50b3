/// @file
/// torch.nn.functional's activations and normalisations (`namespace F =
/// torch::nn::functional;`), with PyTorch's argument names and defaults. The modules of
/// nn/activation.h and nn/normalization.h call these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "duet/core/activations.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn::functional {

/// F.elu(x, alpha=1.0)
Tensor elu(const Tensor& input, double alpha = 1.0);
/// F.selu(x)
Tensor selu(const Tensor& input);
/// F.gelu(x, approximate='none'); approximate is "none" or "tanh".
Tensor gelu(const Tensor& input, const std::string& approximate = "none");
/// The core variant for a GELU approximate name; throws PyTorch's error for another name.
GeluApproximation gelu_approximation(const std::string& approximate);
/// F.leaky_relu(x, negative_slope=0.01)
Tensor leaky_relu(const Tensor& input, double negative_slope = 0.01);
/// F.softplus(x, beta=1, threshold=20)
Tensor softplus(const Tensor& input, double beta = 1.0, double threshold = 20.0);
/// F.silu(x)
Tensor silu(const Tensor& input);
/// F.hardsigmoid(x): relu6(x + 3) / 6.
Tensor hardsigmoid(const Tensor& input);

/// F.batch_norm(input, running_mean, running_var, weight, bias, training=False, momentum=0.1,
/// eps=1e-5). input: [N, C], [N, C, L] or [N, C, H, W]. In training the batch's statistics
/// normalise and, when running_mean / running_var are defined, are averaged into them in place
/// (momentum on the new value, the unbiased variance); otherwise the running statistics
/// normalise. A batch with one value per channel in training is PyTorch's ValueError.
Tensor batch_norm(const Tensor& input, Tensor running_mean, Tensor running_var, const Tensor& weight = {},
                  const Tensor& bias = {}, bool training = false, double momentum = 0.1, double eps = 1e-5);

/// F.layer_norm(input, normalized_shape, weight, bias, eps=1e-5), over the last dim only:
/// normalized_shape holds one size, equal to the input's last dim.
Tensor layer_norm(const Tensor& input, const std::vector<std::int64_t>& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);

}  // namespace duet::torch::nn::functional
