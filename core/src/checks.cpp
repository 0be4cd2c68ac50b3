#include "duet/core/checks.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"

namespace duet {

void require_finite(const Tensor& t, const std::string& what) {
  const auto& v = t.data();
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i])) continue;
    if (t.rank() == 2) {
      const auto cols = t.shape()[1];
      throw Error(fmt::format("{} has a non-finite value ({}) at row {}, column {}", what, v[i], i / cols, i % cols));
    }
    throw Error(fmt::format("{} has a non-finite value ({}) at index {}", what, v[i], i));
  }
}

}  // namespace duet
