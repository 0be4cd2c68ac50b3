#include "broadcast.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const int rank = std::max(a.rank(), b.rank());
  Shape out;
  for (int k = 0; k < rank; ++k) {
    const int ka = a.rank() - rank + k;
    const int kb = b.rank() - rank + k;
    const std::int64_t da = ka >= 0 ? a[ka] : 1;
    const std::int64_t db = kb >= 0 ? b[kb] : 1;
    if (da != db && da != 1 && db != 1) {
      throw Error(fmt::format("{}: shapes {} and {} cannot be broadcast together (dimension {}: {} vs {})",
                              op, a.str(), b.str(), k, da, db));
    }
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

namespace detail {

namespace {
// Row-major strides of `s` right-aligned into 4 slots, 0 where s has size 1 (or is absent).
std::array<std::int64_t, 4> padded_strides(const Shape& s) {
  std::array<std::int64_t, 4> strides{};
  std::int64_t stride = 1;
  for (int k = s.rank() - 1; k >= 0; --k) {
    strides[static_cast<std::size_t>(4 - s.rank() + k)] = s[k] == 1 ? 0 : stride;
    stride *= s[k];
  }
  return strides;
}
}  // namespace

BroadcastPlan::BroadcastPlan(const Shape& a, const Shape& b, const char* op)
    : out(broadcast_shapes(a, b, op)), stride_a(padded_strides(a)), stride_b(padded_strides(b)) {
  dims.fill(1);
  for (int k = 0; k < out.rank(); ++k) dims[static_cast<std::size_t>(4 - out.rank() + k)] = out[k];
}

}  // namespace detail
}  // namespace duet
