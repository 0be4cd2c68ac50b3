/// @file
/// The activations beyond relu, sigmoid, tanh and softplus (ops.h): elu, selu, gelu, leaky_relu,
/// silu, PyTorch's thresholded softplus and both hard sigmoid formulas. Each is one elementwise
/// op with its derivative written beside its value; where the frameworks differ, the difference
/// is a parameter or a named variant and each front-end passes its own.
#pragma once

#include "duet/core/tensor.h"

namespace duet {

/// x for x > 0, alpha (e^x - 1) otherwise. The derivative at 0 is alpha (the negative branch, as
/// PyTorch's elu_backward; TensorFlow takes the positive one there, 1: the same for alpha = 1).
template <typename T> BasicTensor<T> elu(const BasicTensor<T>& x, T alpha = T(1));

/// scale * elu(x, alpha) with the fixed constants of Klambauer et al. 2017, the same in PyTorch
/// (torch.nn.SELU) and Keras (activations.selu): alpha = 1.6732632423543772848170429916717,
/// scale = 1.0507009873554804934193349852946.
template <typename T> BasicTensor<T> selu(const BasicTensor<T>& x);

/// How gelu is computed: the exact form with the normal CDF, or the tanh approximation of
/// Hendrycks & Gimpel. Both frameworks default to exact (PyTorch approximate='none', Keras 3
/// approximate=False).
enum class GeluApproximation { none, tanh };

/// x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) (none), or
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) (tanh).
template <typename T> BasicTensor<T> gelu(const BasicTensor<T>& x, GeluApproximation approximation);

/// x for x > 0, negative_slope x otherwise; the derivative at 0 is negative_slope (PyTorch's
/// leaky_relu_backward and TensorFlow's LeakyReluGrad both test x > 0). Each framework's default
/// slope lives in its front-end (PyTorch 0.01, Keras 3's function 0.2, Keras' layer 0.3).
template <typename T> BasicTensor<T> leaky_relu(const BasicTensor<T>& x, T negative_slope);

/// x sigmoid(x) (PyTorch's SiLU, Keras' silu / swish).
template <typename T> BasicTensor<T> silu(const BasicTensor<T>& x);

/// PyTorch's Softplus: log(1 + e^(beta x)) / beta, and x itself where beta x > threshold
/// (torch/nn/modules/activation.py, defaults beta = 1, threshold = 20). Keras' softplus is the
/// plain ops.h softplus (no threshold).
template <typename T> BasicTensor<T> softplus(const BasicTensor<T>& x, T beta, T threshold);

/// The two hard sigmoid formulas in use:
/// - `relu6`: relu6(x + 3) / 6, i.e. x / 6 + 1/2 clipped to [0, 1] (Keras 3's hard_sigmoid and
///   PyTorch's Hardsigmoid: 0 at x <= -3, 1 at x >= 3);
/// - `slope_0_2`: 0.2 x + 0.5 clipped to [0, 1] (Keras 2 and TensorFlow.js: 0 at x <= -2.5).
enum class HardSigmoidForm { relu6, slope_0_2 };

/// The hard sigmoid in `form`. Its derivative is the slope inside the linear part; at the
/// corners it is 0 for `relu6` (PyTorch's hardsigmoid_backward, TensorFlow's Relu6Grad: open
/// interval) and the slope for `slope_0_2` (tfjs' clipByValue gradient: closed interval).
template <typename T> BasicTensor<T> hard_sigmoid(const BasicTensor<T>& x, HardSigmoidForm form);

}  // namespace duet
