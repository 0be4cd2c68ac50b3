/// @file
/// libtorch's ExpandingArray<D>: D sizes given as one number (repeated) or as D numbers, as
/// `Conv2dOptions(3, 8, 3)` and `Conv2dOptions(3, 8, {3, 5})` read.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "duet/core/error.h"

namespace duet::torch {

/// D sizes along the spatial axes; a single number stands for all D.
template <std::size_t D>
class ExpandingArray {
 public:
  /// One number for every axis.
  ExpandingArray(std::int64_t single) { values_.fill(single); }  // NOLINT: implicit, as in libtorch
  /// Exactly D numbers.
  ExpandingArray(std::initializer_list<std::int64_t> list)
      : ExpandingArray(std::vector<std::int64_t>(list)) {}
  /// Exactly D numbers.
  ExpandingArray(const std::vector<std::int64_t>& list) {  // NOLINT: implicit, as in libtorch
    if (list.size() != D) {
      throw Error(fmt::format("Expected {} values, but instead got {}", D, list.size()));
    }
    for (std::size_t i = 0; i < D; ++i) values_[i] = list[i];
  }
  /// The size along axis i.
  std::int64_t operator[](std::size_t i) const { return values_[i]; }
  /// D.
  static constexpr std::size_t size() { return D; }
  /// The sizes as a vector.
  std::vector<std::int64_t> vec() const { return {values_.begin(), values_.end()}; }
  /// PyTorch's repr of the tuple: "(3, 3)", "(3,)".
  std::string tuple_str() const {
    std::string s = "(";
    for (std::size_t i = 0; i < D; ++i) s += (i ? ", " : "") + std::to_string(values_[i]);
    return s + (D == 1 ? ",)" : ")");
  }
  /// Whether every axis holds `v`.
  bool all_equal(std::int64_t v) const {
    for (auto x : values_)
      if (x != v) return false;
    return true;
  }

 private:
  std::array<std::int64_t, D> values_{};
};

}  // namespace duet::torch
