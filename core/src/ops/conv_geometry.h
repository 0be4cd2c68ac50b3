// Internal: the sizes of one windowed op (convolution or pooling) over a 4-D tensor in either
// channel layout, with the output size checked once.
#pragma once

#include <cstdint>

#include "duet/core/conv.h"

namespace duet::detail {

struct ConvGeometry {
  bool channels_last = true;
  std::int64_t n = 0, c = 0, h = 0, w = 0;  // input: batch, channels, height, width
  std::int64_t o = 0;                       // output channels (convolution)
  std::int64_t kh = 1, kw = 1;              // window
  std::int64_t sh = 1, sw = 1;              // stride
  std::int64_t pt = 0, pb = 0, pl = 0, pr = 0;  // padding top, bottom, left, right
  std::int64_t oh = 0, ow = 0;              // output height, width

  std::int64_t patch_size() const { return kh * kw * c; }

  // Sets stride, padding and the output size; throws naming `op` when the window does not fit.
  void set_window(Extent2d stride, Padding2d pad, const char* op) {
    sh = stride.h;
    sw = stride.w;
    pt = pad.h.before;
    pb = pad.h.after;
    pl = pad.w.before;
    pr = pad.w.after;
    oh = window_output_size(h, kh, sh, pad.h, op, "height");
    ow = window_output_size(w, kw, sw, pad.w, op, "width");
  }

  // Offset of element (n, c, y, x) of the input.
  std::int64_t in_index(std::int64_t ni, std::int64_t ci, std::int64_t y, std::int64_t x) const {
    return channels_last ? ((ni * h + y) * w + x) * c + ci : ((ni * c + ci) * h + y) * w + x;
  }
  // Offset of element (n, c, y, x) of an output with `c` channels (pooling keeps them).
  std::int64_t out_index(std::int64_t ni, std::int64_t ci, std::int64_t y, std::int64_t x) const {
    return channels_last ? ((ni * oh + y) * ow + x) * c + ci : ((ni * c + ci) * oh + y) * ow + x;
  }
};

}  // namespace duet::detail
