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

  // Element strides of (n, c, y, x) in the input and in an output with `c` channels (pooling),
  // so that loops index both layouts without a branch.
  struct Strides {
    std::int64_t n, c, y, x;
  };
  Strides in_strides() const {
    return channels_last ? Strides{h * w * c, 1, w * c, c} : Strides{c * h * w, h * w, w, 1};
  }
  Strides out_strides() const {
    return channels_last ? Strides{oh * ow * c, 1, ow * c, c} : Strides{c * oh * ow, oh * ow, ow, 1};
  }
};

}  // namespace duet::detail
