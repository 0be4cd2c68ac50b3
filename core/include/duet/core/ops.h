/// @file
/// The differentiable ops. Every binary elementwise op broadcasts like NumPy/PyTorch and reduces
/// gradients back to each input's shape. Shape errors name the op and both shapes.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
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
template <typename T> BasicTensor<T> sin(const BasicTensor<T>& x);  ///< d/dx = cos x
template <typename T> BasicTensor<T> cos(const BasicTensor<T>& x);  ///< d/dx = -sin x
/// base^exponent elementwise with broadcasting. d/dbase = e b^(e-1) (0 where e = 0, as PyTorch's
/// pow_backward masks it); d/dexponent = b^e log b, taken as 0 where b = 0 and e >= 0 (PyTorch's
/// pow_backward_exponent), so x^[1, 2, 3] at x = 0 has finite gradients.
template <typename T> BasicTensor<T> pow(const BasicTensor<T>& base, const BasicTensor<T>& exponent);
/// A differentiable copy (PyTorch's clone()): same values and dtype, gradient passed through.
template <typename T> BasicTensor<T> copy(const BasicTensor<T>& x);

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

/// Index of the first maximum (minimum) along `axis`, or of all elements flattened; int64, not
/// differentiable.
template <typename T> BasicTensor<T> argmax(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> argmax(const BasicTensor<T>& x, int axis, bool keepdim = false);
template <typename T> BasicTensor<T> argmin(const BasicTensor<T>& x);
template <typename T> BasicTensor<T> argmin(const BasicTensor<T>& x, int axis, bool keepdim = false);

/// ---- comparisons and dtype (not differentiable) ----
enum class Comparison { eq, ne, gt, lt, ge, le };
/// a OP b elementwise with broadcasting -> a bool tensor.
template <typename T> BasicTensor<T> compare_elements(const BasicTensor<T>& a, const BasicTensor<T>& b, Comparison op);
/// The values read as `dtype`: to int64 truncates toward zero (and must stay within 2^24), to
/// bool tests != 0, between float types copies. Recorded only between floating types.
template <typename T> BasicTensor<T> to_dtype(const BasicTensor<T>& x, DType dtype);

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
/// out[i] = x.flat[source[i]], shaped `shape`: the one primitive behind select, narrow, slice,
/// permute and index. Backward adds g[i] into source[i] (repeated sources add up).
template <typename T>
BasicTensor<T> take(const BasicTensor<T>& x, const Shape& shape, const std::vector<std::int64_t>& source);
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
/// A tensor and a number, on either side (`x + 1`, `2 * x`, `1 / x`). As in PyTorch, an int64
/// tensor with a whole-number scalar stays int64 under + - *; everything else is float.
template <typename S>
concept ScalarArg = std::is_arithmetic_v<S>;
/// x + s, x * s: keeps an int64 dtype when both are whole numbers.
template <typename T> BasicTensor<T> add_number(const BasicTensor<T>& x, T s, bool integral_scalar);
template <typename T> BasicTensor<T> mul_number(const BasicTensor<T>& x, T s, bool integral_scalar);
template <typename T, ScalarArg S> BasicTensor<T> operator+(const BasicTensor<T>& x, S s) {
  return add_number(x, static_cast<T>(s), std::is_integral_v<S>);
}
template <typename T, ScalarArg S> BasicTensor<T> operator+(S s, const BasicTensor<T>& x) { return x + s; }
template <typename T, ScalarArg S> BasicTensor<T> operator-(const BasicTensor<T>& x, S s) {
  return add_number(x, -static_cast<T>(s), std::is_integral_v<S>);
}
template <typename T, ScalarArg S> BasicTensor<T> operator-(S s, const BasicTensor<T>& x) {
  return add_number(mul_number(x, T(-1), true), static_cast<T>(s), std::is_integral_v<S>);
}
template <typename T, ScalarArg S> BasicTensor<T> operator*(const BasicTensor<T>& x, S s) {
  return mul_number(x, static_cast<T>(s), std::is_integral_v<S>);
}
template <typename T, ScalarArg S> BasicTensor<T> operator*(S s, const BasicTensor<T>& x) { return x * s; }
/// True division: always float, as PyTorch's `/`.
template <typename T, ScalarArg S> BasicTensor<T> operator/(const BasicTensor<T>& x, S s) {
  return mul_scalar(x, T(1) / static_cast<T>(s));
}
template <typename T, ScalarArg S> BasicTensor<T> operator/(S s, const BasicTensor<T>& x) {
  return div(BasicTensor<T>::full(x.shape(), static_cast<T>(s)), x);
}

/// Comparisons give bool tensors, as libtorch's operators do (use equal() for one bool).
template <typename T> BasicTensor<T> operator==(const BasicTensor<T>& a, const BasicTensor<T>& b) { return compare_elements(a, b, Comparison::eq); }
template <typename T> BasicTensor<T> operator!=(const BasicTensor<T>& a, const BasicTensor<T>& b) { return compare_elements(a, b, Comparison::ne); }
template <typename T> BasicTensor<T> operator<(const BasicTensor<T>& a, const BasicTensor<T>& b) { return compare_elements(a, b, Comparison::lt); }
template <typename T> BasicTensor<T> operator>(const BasicTensor<T>& a, const BasicTensor<T>& b) { return compare_elements(a, b, Comparison::gt); }
template <typename T> BasicTensor<T> operator<=(const BasicTensor<T>& a, const BasicTensor<T>& b) { return compare_elements(a, b, Comparison::le); }
template <typename T> BasicTensor<T> operator>=(const BasicTensor<T>& a, const BasicTensor<T>& b) { return compare_elements(a, b, Comparison::ge); }
template <typename T, ScalarArg S> BasicTensor<T> operator==(const BasicTensor<T>& a, S s) { return a.eq(static_cast<double>(s)); }
template <typename T, ScalarArg S> BasicTensor<T> operator!=(const BasicTensor<T>& a, S s) { return a.ne(static_cast<double>(s)); }
template <typename T, ScalarArg S> BasicTensor<T> operator<(const BasicTensor<T>& a, S s) { return a.lt(static_cast<double>(s)); }
template <typename T, ScalarArg S> BasicTensor<T> operator>(const BasicTensor<T>& a, S s) { return a.gt(static_cast<double>(s)); }
template <typename T, ScalarArg S> BasicTensor<T> operator<=(const BasicTensor<T>& a, S s) { return a.le(static_cast<double>(s)); }
template <typename T, ScalarArg S> BasicTensor<T> operator>=(const BasicTensor<T>& a, S s) { return a.ge(static_cast<double>(s)); }

}  // namespace duet
