// Internal: what the convolution and pooling kinds share: the rank of a sample they take and the
// output positions of one spatial axis, with errors naming the layer, the shapes and the option.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "duet/core/error.h"
#include "layers/layer_kind.h"

namespace duet::compare {

/// The largest kernel, pool or stride size an experiment may give (a typo guard, far above images
/// Duet trains on).
inline constexpr int kMaxWindow = 4096;

/// Throws unless one sample has `rank` axes (spatial axes then channels, Keras' layout).
inline void require_rank(const LayerContext& ctx, int rank, const std::string& type) {
  if (ctx.input.rank() != rank) {
    throw Error(fmt::format("{} ({}): takes samples of shape {} in Keras' layout, got samples of shape {} (x of "
                            "rank {} with the batch axis)",
                            ctx.path, type, rank == 3 ? "[height, width, channels]" : "[steps, channels]",
                            ctx.input.str(), rank + 1));
  }
}

/// Output positions along spatial axis `axis` of the sample: 'valid' (in - k) / s + 1, an error
/// when the window is larger than the input; 'same' ceil(in / s) (TensorFlow's).
inline std::int64_t window_positions(const LayerContext& ctx, const std::string& type, int axis, std::int64_t k,
                                     std::int64_t s, const std::string& padding, const char* option) {
  const std::int64_t in = ctx.input[axis];
  if (padding == "same") return (in + s - 1) / s;
  if (k > in) {
    throw Error(fmt::format("{} ({}): {} {} is larger than the input's size {} along axis {} of the sample {} "
                            "(padding 'valid')",
                            ctx.path, type, option, k, in, axis, ctx.input.str()));
  }
  return (in - k) / s + 1;
}

}  // namespace duet::compare
