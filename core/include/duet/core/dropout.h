/// @file
/// Inverted dropout, shared by both front-ends' Dropout layers, and its channel-wise form
/// (PyTorch's Dropout2d / feature dropout).
#pragma once

#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet {

/// Zeroes each element with probability p and scales the others by 1 / (1 - p), so the
/// expected value is unchanged; one uniform draw per element from `gen`, in row-major order.
/// p = 1 zeroes everything. The gradient flows through the kept elements, scaled alike.
Tensor dropout(const Tensor& x, float p, Generator& gen);

/// Channel-wise inverted dropout of a channels-first tensor [N, C, ...] (rank 3 or more): zeroes
/// whole channels (x[n, c, ...]) with probability p and scales the others by 1 / (1 - p); one
/// uniform draw per (n, c), in row-major order. `op` names the caller in the errors (rank below
/// 3, p outside [0, 1]).
Tensor feature_dropout(const Tensor& x, float p, Generator& gen, const char* op = "feature_dropout");

}  // namespace duet
