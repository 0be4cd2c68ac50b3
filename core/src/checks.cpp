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

std::int64_t first_invalid_class_index(const Tensor& labels, std::int64_t classes) {
  const auto& v = labels.data();
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!(v[i] >= 0 && v[i] < static_cast<float>(classes)) || v[i] != std::floor(v[i])) return i;
  }
  return -1;
}

std::vector<std::int64_t> as_class_indices(const Tensor& labels) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(labels.numel()));
  for (Eigen::Index i = 0; i < labels.data().size(); ++i) out[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(labels.data()[i]);
  return out;
}

}  // namespace duet
