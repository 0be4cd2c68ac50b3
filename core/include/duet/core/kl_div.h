/// @file
/// The pointwise Kullback-Leibler term of PyTorch's kl_div (aten/src/ATen/native/Loss.cpp in
/// 1.13, a composite of differentiable ops): the input is log-probabilities, the target
/// probabilities (or log-probabilities with log_target). Reductions are the caller's.
#pragma once

#include "duet/core/tensor.h"

namespace duet {

/// x log x with 0 log 0 = 0 (torch.xlogy(x, x)). Its derivative log x + 1 is NaN at x = 0, as
/// PyTorch's xlogy backward gives there (x / x); negative x gives NaN values, as log does.
template <typename T> BasicTensor<T> x_log_x(const BasicTensor<T>& x);

/// target (log target - input), elementwise with broadcasting:
/// xlogy(target, target) - target input, or with log_target exp(target) (target - input).
/// Differentiable in both arguments.
template <typename T>
BasicTensor<T> kl_div_pointwise(const BasicTensor<T>& input, const BasicTensor<T>& target, bool log_target);

}  // namespace duet
