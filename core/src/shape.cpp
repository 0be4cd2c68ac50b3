#include "duet/core/shape.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet {

Shape::Shape(std::initializer_list<std::int64_t> dims) {
  for (auto d : dims) push_back(d);
}

namespace {
// The most elements one tensor may hold: 1 GiB of float32. Checked as each dimension is added, so
// a layer of 10^9 units or a product that would overflow int64 is one clear error before anything
// is allocated, instead of std::bad_alloc or a wrapped size (docs/reliability.md).
constexpr std::int64_t kMaxElements = std::int64_t{1} << 28;
}  // namespace

void Shape::push_back(std::int64_t dim) {
  if (rank_ == kMaxRank) {
    throw Error(fmt::format("shape: rank above {} is not supported", kMaxRank));
  }
  if (dim < 0) throw Error(fmt::format("shape: negative dimension {}", dim));
  const std::int64_t before = numel();
  if (dim > 0 && before > kMaxElements / dim) {
    throw Error(fmt::format("shape: a dimension of {} after {} makes more than {} elements, Duet's limit for one tensor "
                            "(1 GiB of float32)",
                            dim, str(), kMaxElements));
  }
  dims_[static_cast<std::size_t>(rank_++)] = dim;
}

std::int64_t Shape::numel() const {
  std::int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[static_cast<std::size_t>(i)];
  return n;
}

int Shape::normalize_axis(int axis, const char* op) const {
  const int r = rank_ == 0 ? 1 : rank_;  // a scalar accepts axis 0 / -1 like PyTorch
  if (axis < -r || axis >= r) {
    throw Error(fmt::format("{}: axis {} is out of range for a tensor of shape {}", op, axis, str()));
  }
  return axis < 0 ? axis + r : axis;
}

Shape Shape::without_axis(int axis, bool keepdim) const {
  Shape out;
  for (int i = 0; i < rank_; ++i) {
    if (i != axis) {
      out.push_back((*this)[i]);
    } else if (keepdim) {
      out.push_back(1);
    }
  }
  return out;
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i) s += ", ";
    s += std::to_string((*this)[i]);
  }
  return s + "]";
}

std::string Dims::str() const {
  std::string s = "[";
  for (std::size_t i = 0; i < values_.size(); ++i) s += (i ? ", " : "") + std::to_string(values_[i]);
  return s + "]";
}

bool operator==(const Shape& a, const Shape& b) {
  if (a.rank_ != b.rank_) return false;
  for (int i = 0; i < a.rank_; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace duet
