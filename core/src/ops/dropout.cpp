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

Tensor feature_dropout(const Tensor& x, float p, Generator& gen, const char* op) {
  if (!(p >= 0 && p <= 1)) throw Error(fmt::format("{}: probability must be in [0, 1], got {:g}", op, p));
  if (x.rank() < 3) {
    throw Error(fmt::format("{}: expected a channels-first input [N, C, ...] of rank 3 or more, got shape {}", op,
                            x.shape().str()));
  }
  // One mask value per (sample, channel), broadcast over the spatial axes.
  Shape mask_shape{x.shape()[0], x.shape()[1]};
  for (int axis = 2; axis < x.rank(); ++axis) mask_shape.push_back(1);
  const float scale = p < 1 ? 1.0f / (1.0f - p) : 0.0f;
  Tensor::Array mask(mask_shape.numel());
  for (Eigen::Index i = 0; i < mask.size(); ++i) mask[i] = gen.uniform(0.0f, 1.0f) < p ? 0.0f : scale;
  return mul(x, Tensor::from_array(mask_shape, std::move(mask)));
}

}  // namespace duet
