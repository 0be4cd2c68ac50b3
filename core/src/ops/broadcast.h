// Internal: NumPy broadcasting as an index plan. Shapes are right-aligned and padded to rank 4;
// a dimension of size 1 facing a larger one gets stride 0, so the same loop serves the forward
// pass (read) and the backward pass (sum the gradient back into the smaller input).
#pragma once

#include <array>
#include <cstdint>

#include "duet/core/shape.h"

namespace duet::detail {

struct BroadcastPlan {
  Shape out;
  std::array<std::int64_t, 4> dims{};      // padded output dims
  std::array<std::int64_t, 4> stride_a{};  // element strides into a (0 where broadcast)
  std::array<std::int64_t, 4> stride_b{};

  BroadcastPlan(const Shape& a, const Shape& b, const char* op);

  // Calls f(out_index, a_index, b_index) for every output element, in row-major order.
  template <typename F>
  void for_each(F&& f) const {
    std::int64_t o = 0;
    for (std::int64_t i0 = 0; i0 < dims[0]; ++i0)
      for (std::int64_t i1 = 0; i1 < dims[1]; ++i1)
        for (std::int64_t i2 = 0; i2 < dims[2]; ++i2) {
          std::int64_t ia = i0 * stride_a[0] + i1 * stride_a[1] + i2 * stride_a[2];
          std::int64_t ib = i0 * stride_b[0] + i1 * stride_b[1] + i2 * stride_b[2];
          for (std::int64_t i3 = 0; i3 < dims[3]; ++i3, ++o, ia += stride_a[3], ib += stride_b[3]) f(o, ia, ib);
        }
  }
};

}  // namespace duet::detail
