/// @file
/// The differentiable ops. Every binary elementwise op broadcasts like NumPy/PyTorch and reduces
/// gradients back to each input's shape. Shape errors name the op and both shapes.
#pragma once

#include <cstdint>
#include <vector>

#include "duet/core/tensor.h"

namespace duet {

/// ---- elementwise, binary (broadcasting) ----
template <typename T> BasicTensor<T> add(const BasicTensor<T>& a, const BasicTensor<T>& b);
template <typename T> BasicTensor<T> sub(const BasicTensor<T>& a, const BasicTensor<T>& b);
template <typename T> BasicTensor<T> mul(const BasicTensor<T>& a, const BasicTensor<T>& b);
template <typename T> BasicTensor<T> div(const BasicTensor<T>& a, const BasicTensor<T>& b);
/// The broadcast result shape of a and b; throws naming `op` when they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// ---- elementwise, unary ----
template <typename T> BasicTensor<T> neg(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> add_scalar(const BasicTensor<T>& x, T s);
template <typename T> BasicTensor<T> mul_scalar(const BasicTensor<T>& x, T s);
template <typename T> BasicTensor<T> pow(const BasicTensor<T>& x, T exponent);
template <typename T> BasicTensor<T> square(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> exp(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> log(const BasicTensor<T>& x);  ///< domain x >= 0
template <typename T> BasicTensor<T> sqrt(const BasicTensor<T>& x);  ///< domain x >= 0
/// |x|; d|x|/dx at 0 is 0 (PyTorch's sign(0) = 0).
template <typename T> BasicTensor<T> abs(const BasicTensor<T>& x);
/// Gradient 1 inside [lo, hi] (bounds included, as PyTorch), 0 outside.
template <typename T> BasicTensor<T> clamp(const BasicTensor<T>& x, T lo, T hi);
/// relu'(0) = 0 in both PyTorch and Keras.
template <typename T> BasicTensor<T> relu(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> sigmoid(const BasicTensor<T>& x);  ///< overflow-free for large |x|
template <typename T> BasicTensor<T> tanh(const BasicTensor<T>& x);
/// log(1 + exp(x)), overflow-free.
template <typename T> BasicTensor<T> softplus(const BasicTensor<T>& x);

/// ---- loss primitives (elementwise, same shapes) ----
/// PyTorch's BCELoss term: -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)), p in [0, 1];
/// its gradient in p is (p - y) / max(p (1 - p), 1e-12), as aten's binary_cross_entropy_backward.
template <typename T> BasicTensor<T> bce_log_floor(const BasicTensor<T>& p, const BasicTensor<T>& y);
/// Binary cross-entropy on logits: max(z, 0) - z y + log(1 + e^-|z|); d/dz = sigmoid(z) - y.
template <typename T> BasicTensor<T> sigmoid_cross_entropy(const BasicTensor<T>& z, const BasicTensor<T>& y);

/// ---- reductions ----
template <typename T> BasicTensor<T> sum(const BasicTensor<T>& x);  ///< all elements -> scalar
template <typename T> BasicTensor<T> sum(const BasicTensor<T>& x, int axis, bool keepdim = false);
template <typename T> BasicTensor<T> mean(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> mean(const BasicTensor<T>& x, int axis, bool keepdim = false);
/// Max; the gradient goes to the first maximal element (PyTorch's max(dim) convention).
template <typename T> BasicTensor<T> max(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> max(const BasicTensor<T>& x, int axis, bool keepdim = false);

/// ---- linear algebra ----
/// a: [n, k] x b: [k, m] -> [n, m]; batched: [B, n, k] x [B, k, m] (or [k, m]) -> [B, n, m].
template <typename T> BasicTensor<T> matmul(const BasicTensor<T>& a, const BasicTensor<T>& b);
/// How a dense layer stores its weight: Keras' kernel is [in, out], PyTorch's weight is [out, in].
enum class WeightLayout { in_out, out_in };
/// x: [N, in], w: [in, out] or [out, in], b: [out] or undefined -> x w (+ b): [N, out].
/// backward: dx = g w^T, dw = x^T g (transposed for out_in), db = column sums of g.
template <typename T>
BasicTensor<T> affine(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b,
                      WeightLayout layout);

/// ---- shape ----
template <typename T> BasicTensor<T> reshape(const BasicTensor<T>& x, const Shape& shape);
template <typename T> BasicTensor<T> transpose(const BasicTensor<T>& x);  ///< 2-D: [n, m] -> [m, n]
/// Rows [begin, end) of the first axis.
template <typename T> BasicTensor<T> slice_rows(const BasicTensor<T>& x, std::int64_t begin, std::int64_t end);
/// Rows at `index` along the first axis (mini-batch selection); repeated rows add their gradients.
template <typename T> BasicTensor<T> gather_rows(const BasicTensor<T>& x, const std::vector<std::int64_t>& index);
/// Concatenation along `axis`; all other dimensions must agree.
template <typename T> BasicTensor<T> concat(const std::vector<BasicTensor<T>>& xs, int axis);
/// x: [N, C], index: N class indices -> [N]: x[i, index[i]] (picks each row's target class).
template <typename T> BasicTensor<T> pick(const BasicTensor<T>& x, const std::vector<std::int64_t>& index);

/// ---- softmax family (logsumexp-stable) ----
template <typename T> BasicTensor<T> softmax(const BasicTensor<T>& x, int axis = -1);
template <typename T> BasicTensor<T> log_softmax(const BasicTensor<T>& x, int axis = -1);

/// ---- operators ----
template <typename T> BasicTensor<T> operator+(const BasicTensor<T>& a, const BasicTensor<T>& b) { return add(a, b); }
template <typename T> BasicTensor<T> operator-(const BasicTensor<T>& a, const BasicTensor<T>& b) { return sub(a, b); }
template <typename T> BasicTensor<T> operator*(const BasicTensor<T>& a, const BasicTensor<T>& b) { return mul(a, b); }
template <typename T> BasicTensor<T> operator/(const BasicTensor<T>& a, const BasicTensor<T>& b) { return div(a, b); }
template <typename T> BasicTensor<T> operator-(const BasicTensor<T>& x) { return neg(x); }
template <typename T> BasicTensor<T> operator+(const BasicTensor<T>& x, T s) { return add_scalar(x, s); }
template <typename T> BasicTensor<T> operator-(const BasicTensor<T>& x, T s) { return add_scalar(x, -s); }
template <typename T> BasicTensor<T> operator*(const BasicTensor<T>& x, T s) { return mul_scalar(x, s); }
template <typename T> BasicTensor<T> operator*(T s, const BasicTensor<T>& x) { return mul_scalar(x, s); }
template <typename T> BasicTensor<T> operator/(const BasicTensor<T>& x, T s) { return mul_scalar(x, T(1) / s); }

}  // namespace duet
