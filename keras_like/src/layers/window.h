// Internal: what Keras' convolution and pooling layers share: the rank check of their inputs and
// the output size and padding of one spatial axis for 'valid' / 'same'.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <string>

#include "duet/core/conv.h"
#include "duet/core/error.h"
#include "duet/core/tensor.h"

namespace duet::keras::layers::detail {

// Keras' InputSpec check (keras/src/layers/input_spec.py), in its words; `rank` excludes the batch.
inline void require_sample_rank(const Shape& sample, int rank, const std::string& name, const char* cls,
                                const char* layout) {
  if (sample.rank() != rank) {
    throw Error(fmt::format("Input 0 of layer \"{}\" ({}) is incompatible with the layer: expected ndim={}, found "
                            "ndim={}. Full shape received: (None, {}); it takes samples of shape {}",
                            name, cls, rank + 1, sample.rank() + 1, fmt::join(sample, ", "), layout));
  }
}

inline void require_batch_rank(const Tensor& inputs, int rank, const std::string& name) {
  if (inputs.rank() != rank) {
    throw Error(fmt::format("Input 0 of layer \"{}\" is incompatible with the layer: expected ndim={}, found ndim={}. "
                            "Full shape received: {}",
                            name, rank, inputs.rank(), inputs.shape().str()));
  }
}

struct WindowAxis {
  std::int64_t size = 0;  // output positions
  AxisPadding padding;    // TensorFlow's: 'same' puts the odd pixel after
};

// 'valid': (in - k) / s + 1, an error if the window is larger than the input; 'same': ceil(in / s)
// with TensorFlow's padding (duet::same_padding).
inline WindowAxis window_axis(std::int64_t in, std::int64_t k, std::int64_t s, const std::string& padding,
                              const std::string& name, const char* cls, const char* option, const char* axis) {
  WindowAxis a;
  if (padding == "same") a.padding = same_padding(in, k, s);
  if (k > in + a.padding.before + a.padding.after) {
    throw Error(fmt::format("layer '{}' ({}): {} {} is larger than the input's {} {} (padding='{}'); the output "
                            "size would be negative",
                            name, cls, option, k, axis, in, padding));
  }
  a.size = window_output_size(in, k, s, a.padding, cls, axis);
  return a;
}

}  // namespace duet::keras::layers::detail
