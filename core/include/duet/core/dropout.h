/// @file
/// Inverted dropout, shared by both front-ends' Dropout layers.
#pragma once

#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet {

/// Zeroes each element with probability p and scales the others by 1 / (1 - p), so the
/// expected value is unchanged; one uniform draw per element from `gen`, in row-major order.
/// p = 1 zeroes everything. The gradient flows through the kept elements, scaled alike.
Tensor dropout(const Tensor& x, float p, Generator& gen);

}  // namespace duet
