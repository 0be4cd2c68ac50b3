// Internal: a tensor seen as [outer, n, inner] around one axis, so that reductions and softmax
// along any axis are one triple loop.
#pragma once

#include <cstdint>

#include "duet/core/shape.h"

namespace duet::detail {

struct AxisView {
  std::int64_t outer = 1, n = 1, inner = 1;

  AxisView(const Shape& s, int axis) {
    for (int k = 0; k < s.rank(); ++k) {
      if (k < axis) outer *= s[k];
      else if (k == axis) n = s[k];
      else inner *= s[k];
    }
  }
  std::int64_t index(std::int64_t o, std::int64_t k, std::int64_t i) const { return (o * n + k) * inner + i; }
  std::int64_t reduced(std::int64_t o, std::int64_t i) const { return o * inner + i; }
};

}  // namespace duet::detail
