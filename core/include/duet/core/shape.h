/// @file
/// A tensor's shape: rank 0 to 4, row-major like NumPy and PyTorch. Prints as `[6, 1]`.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

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
  /// The number of dimensions, as libtorch's IntArrayRef::size().
  std::size_t size() const { return static_cast<std::size_t>(rank_); }
  /// The dimensions as a vector (IntArrayRef::vec()).
  std::vector<std::int64_t> vec() const { return {begin(), end()}; }
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
  /// `x.sizes() == std::vector<int64_t>{2, 3}`, as libtorch compares an IntArrayRef.
  friend bool operator==(const Shape& a, const std::vector<std::int64_t>& b) { return a.vec() == b; }

 private:
  std::array<std::int64_t, kMaxRank> dims_{};
  int rank_ = 0;
};

/// A list of sizes or dims given to an op (libtorch's IntArrayRef): `{2, 3}`, a vector, a Shape,
/// or one number. Unlike a Shape it may hold -1 (an inferred size) and negative dims.
class Dims {
 public:
  Dims(std::initializer_list<std::int64_t> values) : values_(values) {}
  Dims(std::vector<std::int64_t> values) : values_(std::move(values)) {}  // NOLINT: implicit by design
  Dims(const Shape& shape) : values_(shape.begin(), shape.end()) {}       // NOLINT: implicit by design
  Dims(std::int64_t value) : values_{value} {}                             // NOLINT: implicit by design

  const std::vector<std::int64_t>& values() const { return values_; }
  std::size_t size() const { return values_.size(); }
  std::int64_t operator[](std::size_t i) const { return values_[i]; }
  std::string str() const;  ///< "[2, -1]"

 private:
  std::vector<std::int64_t> values_;
};

}  // namespace duet
