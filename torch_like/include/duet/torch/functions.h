/// @file
/// libtorch's free functions on tensors (torch::relu(x), torch::cat({a, b}, 1), ...), each the
/// same as the Tensor method or core op of that name, with libtorch's argument types.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "duet/core/ops.h"
#include "duet/torch/tensor.h"

namespace duet::torch {

inline Tensor relu(const Tensor& x) { return x.relu(); }
inline Tensor sigmoid(const Tensor& x) { return x.sigmoid(); }
inline Tensor tanh(const Tensor& x) { return x.tanh(); }
inline Tensor exp(const Tensor& x) { return x.exp(); }
inline Tensor log(const Tensor& x) { return x.log(); }
inline Tensor sqrt(const Tensor& x) { return x.sqrt(); }
inline Tensor abs(const Tensor& x) { return x.abs(); }
inline Tensor sin(const Tensor& x) { return x.sin(); }
inline Tensor cos(const Tensor& x) { return x.cos(); }
inline Tensor neg(const Tensor& x) { return x.neg(); }
inline Tensor square(const Tensor& x) { return x.square(); }
inline Tensor clamp(const Tensor& x, double min, double max) { return x.clamp(min, max); }
inline Tensor pow(const Tensor& x, double exponent) { return x.pow(exponent); }
inline Tensor pow(const Tensor& x, const Tensor& exponent) { return x.pow(exponent); }

inline Tensor sum(const Tensor& x) { return x.sum(); }
inline Tensor sum(const Tensor& x, std::int64_t dim, bool keepdim = false) { return x.sum(dim, keepdim); }
inline Tensor mean(const Tensor& x) { return x.mean(); }
inline Tensor mean(const Tensor& x, std::int64_t dim, bool keepdim = false) { return x.mean(dim, keepdim); }
inline Tensor max(const Tensor& x) { return x.max(); }
/// (values, indices), as libtorch's torch::max(x, dim).
inline std::tuple<Tensor, Tensor> max(const Tensor& x, std::int64_t dim, bool keepdim = false) {
  return x.max(dim, keepdim);
}
inline Tensor min(const Tensor& x) { return x.min(); }
inline std::tuple<Tensor, Tensor> min(const Tensor& x, std::int64_t dim, bool keepdim = false) {
  return x.min(dim, keepdim);
}
inline Tensor argmax(const Tensor& x) { return x.argmax(); }
inline Tensor argmax(const Tensor& x, std::int64_t dim, bool keepdim = false) { return x.argmax(dim, keepdim); }
inline Tensor argmin(const Tensor& x) { return x.argmin(); }
inline Tensor argmin(const Tensor& x, std::int64_t dim, bool keepdim = false) { return x.argmin(dim, keepdim); }

inline Tensor matmul(const Tensor& a, const Tensor& b) { return a.matmul(b); }
inline Tensor mm(const Tensor& a, const Tensor& b) { return a.mm(b); }
/// self + mat1 mm mat2 (beta = alpha = 1), as in the C++ frontend docs' first Net.
inline Tensor addmm(const Tensor& self, const Tensor& mat1, const Tensor& mat2) { return self + mat1.mm(mat2); }

inline Tensor reshape(const Tensor& x, const Dims& shape) { return x.reshape(shape); }
inline Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1) {
  return x.flatten(start_dim, end_dim);
}
inline Tensor unsqueeze(const Tensor& x, std::int64_t dim) { return x.unsqueeze(dim); }
inline Tensor squeeze(const Tensor& x) { return x.squeeze(); }
inline Tensor squeeze(const Tensor& x, std::int64_t dim) { return x.squeeze(dim); }
inline Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1) { return x.transpose(dim0, dim1); }
inline Tensor t(const Tensor& x) { return x.t(); }
inline Tensor permute(const Tensor& x, const Dims& dims) { return x.permute(dims); }
/// Joins tensors along an existing dim; all other sizes must agree.
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);
/// Joins equally shaped tensors along a new dim.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

inline bool equal(const Tensor& a, const Tensor& b) { return a.equal(b); }
inline bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-05, double atol = 1e-08,
                     bool equal_nan = false) {
  return a.allclose(b, rtol, atol, equal_nan);
}

inline Tensor softmax(const Tensor& x, std::int64_t dim) { return duet::softmax(x, static_cast<int>(dim)); }
inline Tensor log_softmax(const Tensor& x, std::int64_t dim) { return duet::log_softmax(x, static_cast<int>(dim)); }
/// Inverted dropout with the default generator when `train`; the input itself otherwise.
Tensor dropout(const Tensor& x, double p, bool train);
/// Mean negative log-likelihood of log-probabilities [N, C] at int64 class indices [N].
Tensor nll_loss(const Tensor& input, const Tensor& target);

/// at::Reduction, the integer reductions of libtorch's free loss functions:
/// `torch::nll_loss(output, target, /*weight=*/{}, torch::Reduction::Sum)`.
namespace Reduction {
enum Reduction : std::int64_t { None, Mean, Sum };
}  // namespace Reduction
/// nll_loss with libtorch's full signature. Class weights are not supported (an undefined
/// `weight`, `{}`, is required) and ignore_index must be left at -100: either is one clear error.
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, std::int64_t reduction = Reduction::Mean,
                std::int64_t ignore_index = -100);
/// Smooth L1 (Huber divided by beta), libtorch's torch::smooth_l1_loss(input, target,
/// reduction, beta), as nn::SmoothL1Loss.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, std::int64_t reduction = Reduction::Mean,
                      double beta = 1.0);
/// Binary cross-entropy of probabilities, torch::binary_cross_entropy(input, target, weight,
/// reduction), as nn::BCELoss. Element weights are not supported (`weight` must be undefined).
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                            std::int64_t reduction = Reduction::Mean);
/// Mean squared error.
Tensor mse_loss(const Tensor& input, const Tensor& target);

}  // namespace duet::torch

/// libtorch's AT_ASSERT(condition): throws duet::Error naming the condition, file and line when
/// it is false (as libtorch throws c10::Error).
#ifndef AT_ASSERT
#define AT_ASSERT(condition)                                                                       \
  do {                                                                                             \
    if (!(condition)) ::duet::torch::detail::assert_failed(#condition, __FILE__, __LINE__);        \
  } while (false)
#endif

namespace duet::torch {
/// c10::str: the arguments streamed into one string, `torch::str("sample-", 3, ".pt")`.
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace duet::torch

namespace duet::torch::detail {
/// AT_ASSERT's error.
[[noreturn]] void assert_failed(const char* condition, const char* file, int line);
}  // namespace duet::torch::detail
