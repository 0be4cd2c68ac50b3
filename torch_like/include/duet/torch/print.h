/// @file
/// Printing in PyTorch's style: `std::cout << x` and `fmt::print("{}", x)` show a tensor as
/// Python's repr does (torch/_tensor_str.py: 4 decimals, a shared column width, scientific
/// notation for wide ranges, "1." for whole floats, lines wrapped at 80 characters, the middle
/// of tensors over 1000 elements elided), a Shape as `[2, 3]` and a module as its tree.
///   tensor([[1.0000, 0.5000],
///           [2.0000, 3.2500]], requires_grad=True)
#pragma once

#include <fmt/ostream.h>

#include <concepts>
#include <ostream>
#include <string>

#include "duet/core/tensor.h"
#include "duet/torch/nn/module.h"

namespace duet {

std::ostream& operator<<(std::ostream& os, const Shape& shape);
std::ostream& operator<<(std::ostream& os, const Tensor& tensor);
std::ostream& operator<<(std::ostream& os, const Tensor64& tensor);
/// torch::kFloat prints as libtorch's name: "Float".
std::ostream& operator<<(std::ostream& os, DType dtype);

namespace torch {
/// The tensor as Python's repr(tensor) shows it.
std::string repr(const Tensor& tensor);
/// The same for a float64 tensor (with its `dtype=torch.float64` suffix).
std::string repr(const Tensor64& tensor);
}  // namespace torch

}  // namespace duet

/// @cond fmt_formatters
// fmt formatting of a Shape.
template <>
struct fmt::formatter<duet::Shape> : fmt::ostream_formatter {};
// fmt formatting of a tensor.
template <typename T>
struct fmt::formatter<duet::BasicTensor<T>> : fmt::ostream_formatter {};
// fmt formatting of a dtype.
template <>
struct fmt::formatter<duet::DType> : fmt::ostream_formatter {};
// fmt formatting of any module.
template <typename M>
  requires std::derived_from<M, duet::torch::nn::Module>
struct fmt::formatter<M> : fmt::ostream_formatter {};
// fmt formatting of a module holder (torch::nn::Linear, a TORCH_MODULE class).
template <typename H>
  requires std::derived_from<H, duet::torch::nn::ModuleHolder<typename H::ContainedType>>
struct fmt::formatter<H> : fmt::ostream_formatter {};
/// @endcond
