/// @file
/// torch::nn::functional's relu, softmax, log_softmax, dropout and nll_loss with libtorch's
/// FuncOptions (`namespace F = torch::nn::functional;`):
///   F::relu(x);  F::log_softmax(x, /*dim=*/1);
///   F::dropout(x, F::DropoutFuncOptions().p(0.5).training(is_training()));
///   F::nll_loss(out, target, F::NLLLossFuncOptions().reduction(torch::kSum));
/// Each is the torch:: free function of the same name.
#pragma once

#include <cstdint>

#include "duet/torch/arg.h"
#include "duet/torch/enum.h"
#include "duet/torch/functions.h"

namespace duet::torch::nn::functional {

/// F::relu's options; in-place has no meaning for Duet's value tensors and is refused if set.
struct ReLUFuncOptions {
  /// libtorch's in-place flag (false only).
  DUET_TORCH_ARG(bool, inplace) = false;
};
/// F::softmax / F::log_softmax's options: the dim (implicit from an integer).
struct SoftmaxFuncOptions {
  /* implicit */ SoftmaxFuncOptions(std::int64_t dim) : dim_(dim) {}
  /// The dim the probabilities sum over.
  DUET_TORCH_ARG(std::int64_t, dim);
};
using LogSoftmaxFuncOptions = SoftmaxFuncOptions;
/// F::dropout's options: p = 0.5, training = true (as libtorch's DropoutFuncOptions).
struct DropoutFuncOptions {
  /// The probability of zeroing an element.
  DUET_TORCH_ARG(double, p) = 0.5;
  /// Apply dropout (true) or return the input (false).
  DUET_TORCH_ARG(bool, training) = true;
  /// libtorch's in-place flag (false only).
  DUET_TORCH_ARG(bool, inplace) = false;
};
/// F::nll_loss's options: the reduction (mean by default).
struct NLLLossFuncOptions {
  /// torch::kNone, torch::kMean or torch::kSum.
  DUET_TORCH_ARG(reduction_t, reduction) = torch::kMean;
};

/// max(x, 0).
Tensor relu(const Tensor& input, const ReLUFuncOptions& options = {});
/// softmax along options.dim().
Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
/// log_softmax along options.dim().
Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);
/// Inverted dropout with the default generator while options.training().
Tensor dropout(const Tensor& input, const DropoutFuncOptions& options = {});
/// Negative log-likelihood of log-probabilities [N, C] at int64 class indices [N].
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {});

}  // namespace duet::torch::nn::functional
