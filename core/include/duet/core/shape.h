/// @file
/// A tensor's shape: rank 0 to 4, row-major like NumPy and PyTorch. Prints as `[6, 1]`.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace duet {

class Shape {
 public:
  static constexpr int kMaxRank = 4;

  Shape() = default;  ///< rank 0: a scalar with one element
  Shape(std::initializer_list<std::int64_t> dims);
  template <typename It>
  Shape(It first, It last) {
    for (; first != last; ++first) push_back(static_cast<std::int64_t>(*first));
  }

  int rank() const { return rank_; }
  std::int64_t operator[](int axis) const { return dims_[static_cast<std::size_t>(axis)]; }
  std::int64_t& operator[](int axis) { return dims_[static_cast<std::size_t>(axis)]; }
  std::int64_t numel() const;
  const std::int64_t* begin() const { return dims_.data(); }
  const std::int64_t* end() const { return dims_.data() + rank_; }

  void push_back(std::int64_t dim);
  /// The shape with `axis` removed (or set to 1 when keepdim).
  Shape without_axis(int axis, bool keepdim) const;
  /// `axis` may be negative (counted from the end); throws naming `op` when out of range.
  int normalize_axis(int axis, const char* op) const;

  std::string str() const;
  friend bool operator==(const Shape& a, const Shape& b);

 private:
  std::array<std::int64_t, kMaxRank> dims_{};
  int rank_ = 0;
};

}  // namespace duet
