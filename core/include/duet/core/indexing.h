/// @file
/// The index items of Tensor::index, named as libtorch's torch::indexing:
///   x.index({Slice(), 0})          // x[:, 0]
///   x.index({Slice(1, None), -1})  // x[1:, -1]
///   x.index({"...", 0})            // x[..., 0]
#pragma once

#include <cstdint>
#include <optional>

namespace duet::indexing {

/// `None` in a Slice: the start, the end or a step of 1, as in Python's `a[:3]`.
inline constexpr std::nullopt_t None = std::nullopt;

/// Python's start:stop:step. Negative start / stop count from the end; out-of-range ends are
/// clamped as Python does; the step must be positive (as in PyTorch).
class Slice {
 public:
  Slice(std::optional<std::int64_t> start = None, std::optional<std::int64_t> stop = None,
        std::optional<std::int64_t> step = None)
      : start_(start), stop_(stop), step_(step) {}
  std::optional<std::int64_t> start() const { return start_; }
  std::optional<std::int64_t> stop() const { return stop_; }
  std::optional<std::int64_t> step() const { return step_; }

 private:
  std::optional<std::int64_t> start_, stop_, step_;
};

/// Python's `...`: as many full slices as the other items leave.
struct EllipsisIndexType {};
inline constexpr EllipsisIndexType Ellipsis{};

/// One item of an index: a position (removes its dimension), a Slice, or the Ellipsis.
class TensorIndex {
 public:
  enum class Kind { position, slice, ellipsis };
  TensorIndex(std::int64_t position) : kind_(Kind::position), position_(position) {}  // NOLINT: implicit
  TensorIndex(int position) : TensorIndex(static_cast<std::int64_t>(position)) {}       // NOLINT: implicit
  TensorIndex(Slice slice) : kind_(Kind::slice), slice_(slice) {}                       // NOLINT: implicit
  TensorIndex(EllipsisIndexType) : kind_(Kind::ellipsis) {}                             // NOLINT: implicit
  /// "..." as in libtorch, which accepts the string for the Ellipsis.
  TensorIndex(const char* ellipsis);  // NOLINT: implicit

  Kind kind() const { return kind_; }
  std::int64_t position() const { return position_; }
  const Slice& slice() const { return slice_; }

 private:
  Kind kind_;
  std::int64_t position_ = 0;
  Slice slice_;
};

}  // namespace duet::indexing
