/// @file
/// The element type a tensor stands for. Values are always computed in the tensor's floating
/// type (float for Tensor, double for Tensor64); the dtype says how to read them. int64 and bool
/// tensors hold whole numbers (0 / 1 for bool) and never take part in autograd, which lets the
/// PyTorch-style front-end give class indices kLong and comparisons kBool without a second
/// storage type. A float holds every whole number up to 2^24 exactly, so int64 values are limited
/// to that range and checked where they are made.
#pragma once

#include <cstdint>

namespace duet {

enum class DType : std::uint8_t {
  float32,  ///< Tensor's values
  float64,  ///< Tensor64's values
  int64,    ///< whole numbers (class indices, token ids), |v| <= 2^24; no autograd
  boolean,  ///< 0 or 1 (comparison results); no autograd
};

/// "float32", "float64", "int64", "bool".
const char* dtype_name(DType dtype);
/// float32 and float64.
inline bool is_floating(DType dtype) { return dtype == DType::float32 || dtype == DType::float64; }
/// The largest whole number an int64 tensor holds exactly (a float's 24-bit significand).
inline constexpr std::int64_t kMaxExactInt = std::int64_t{1} << 24;

}  // namespace duet
