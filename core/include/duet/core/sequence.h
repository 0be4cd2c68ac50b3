/// @file
/// Ops for sequence models: embedding lookup, per-step views of batch-first sequences and
/// column blocks of packed gate pre-activations. Sequences are batch-first: [N, T, F].
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "duet/core/tensor.h"

namespace duet {

/// The token ids of `ids` ([N] or [N, T], whole numbers held in any dtype) as row indices into a
/// table of `rows` rows. Throws a duet::Error naming the row, the step and the value when an id is
/// negative, not a whole number, or >= `rows` (`what` prefixes the message, e.g. the layer).
std::vector<std::int64_t> token_indices(const Tensor& ids, std::int64_t rows, const char* what);
/// The same for float64 ids (gradient checks).
std::vector<std::int64_t> token_indices(const Tensor64& ids, std::int64_t rows, const char* what);

/// table: [V, D], index: N*T row indices, `out_shape` [N, T] or [N] -> [out_shape..., D].
/// Backward scatter-adds each output row's gradient into its table row (repeated ids add up);
/// the row `frozen_row`, when given, receives no gradient (PyTorch's padding_idx).
template <typename T>
BasicTensor<T> embedding_lookup(const BasicTensor<T>& table, const std::vector<std::int64_t>& index,
                                const Shape& index_shape, std::optional<std::int64_t> frozen_row = std::nullopt);

/// x: [N, T, F] -> step t: [N, F] (a copy; its gradient goes back into step t).
template <typename T> BasicTensor<T> time_step(const BasicTensor<T>& x, std::int64_t t);
/// T tensors [N, F] -> [N, T, F], step t from steps[t].
template <typename T> BasicTensor<T> stack_steps(const std::vector<BasicTensor<T>>& steps);
/// x: [N, C] -> columns [begin, end): [N, end - begin] (a gate block of packed pre-activations).
template <typename T> BasicTensor<T> columns(const BasicTensor<T>& x, std::int64_t begin, std::int64_t end);

}  // namespace duet
