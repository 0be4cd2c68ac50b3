// Internal: a per-thread cache of tensor value buffers (the Eigen arrays in TensorImpl::data and
// the scratch gradients of a backward pass). A training step frees the arrays of its ops and the
// next step asks for arrays of the very same sizes: the cache hands them back without going
// through malloc. Sizes are matched exactly (an Eigen array's allocation is its size). Small
// arrays sit in one bin per size; larger ones in a short list searched newest first, so a buffer
// comes back while it is still in the processor's caches, and the oldest are freed when the
// thread's byte budget is reached (value_cache.cpp). Off under AddressSanitizer, so that ASan
// checks every buffer on its own.
#pragma once

#include <Eigen/Core>

namespace duet::detail {

/// An array of `size` values, uninitialised (as `Array(size)`), from the cache when it holds one.
template <typename T>
Eigen::Array<T, Eigen::Dynamic, 1> take_values(Eigen::Index size);

/// Moves `array`'s buffer into the cache (leaving `array` empty) or frees it; never throws.
template <typename T>
void give_back_values(Eigen::Array<T, Eigen::Dynamic, 1>& array) noexcept;

}  // namespace duet::detail
