#include "duet/core/dropout.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

Tensor dropout(const Tensor& x, float p, Generator& gen) {
  if (!(p >= 0 && p <= 1)) throw Error(fmt::format("dropout: probability must be in [0, 1], got {:g}", p));
  const float scale = p < 1 ? 1.0f / (1.0f - p) : 0.0f;
  Tensor::Array mask(x.numel());
  for (Eigen::Index i = 0; i < mask.size(); ++i) mask[i] = gen.uniform(0.0f, 1.0f) < p ? 0.0f : scale;
  return mul(x, Tensor::from_array(x.shape(), std::move(mask)));
}

}  // namespace duet
