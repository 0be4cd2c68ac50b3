// Internal: moving data between Keras' channels-last layout and PyTorch's channels-first one, as
// plain copies (inputs and weights, never part of a graph).
#pragma once

#include <cstdint>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::compare {

/// [N, H, W, C] -> [N, C, H, W], or [N, L, C] -> [N, C, L].
Tensor channels_last_to_first(const Tensor& x);

/// For the kernel of a dense layer after a flatten of one sample of `sample` (Keras' layout,
/// e.g. {h, w, c}): position i holds the Keras (HWC-order) row that PyTorch's (CHW-order) row i
/// reads. Keras row r = (spatial index) * c + channel; PyTorch row = channel * spatial + index.
std::vector<std::int64_t> flatten_rows_torch_from_keras(const Shape& sample);

}  // namespace duet::compare
