// Max and average pooling (1-D, 2-D, global) in either channel layout.
#include "duet/core/pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "../autograd.h"
#include "conv_geometry.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

using detail::ConvGeometry;
using detail::grad_sink;
using detail::make_result;

namespace {

ConvGeometry pool_geometry(const Shape& sx, Extent2d kernel, Extent2d stride, Padding2d pad, ChannelLayout layout,
                           const char* op) {
  const bool last = layout == ChannelLayout::channels_last;
  if (sx.rank() != 4) {
    throw Error(fmt::format("{}: input must be 4-D ({}), got shape {}", op, last ? "[N, H, W, C]" : "[N, C, H, W]",
                            sx.str()));
  }
  ConvGeometry g;
  g.channels_last = last;
  g.n = sx[0];
  g.c = last ? sx[3] : sx[1];
  g.h = last ? sx[1] : sx[2];
  g.w = last ? sx[2] : sx[3];
  g.kh = kernel.h;
  g.kw = kernel.w;
  g.set_window(stride, pad, op);
  // Every window must hold an input cell, or a max pool has nothing to pick (PyTorch requires
  // padding <= kernel / 2; TensorFlow's 'same' padding is always less than the window).
  if (pad.h.before >= kernel.h || pad.h.after >= kernel.h || pad.w.before >= kernel.w || pad.w.after >= kernel.w) {
    throw Error(fmt::format("{}: padding ({}, {}) x ({}, {}) leaves a {}x{} window with no input cell", op,
                            pad.h.before, pad.h.after, pad.w.before, pad.w.after, kernel.h, kernel.w));
  }
  return g;
}

// Calls f(in, out, y0, y1, x0, x1) for each output: `in` the offset of its (n, c) plane in the
// input, `out` its own offset, and its window clipped to the input; in.y / in.x step inside.
template <typename F>
void for_each_window(const ConvGeometry& g, F&& f) {
  const auto in = g.in_strides();
  const auto out = g.out_strides();
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t c = 0; c < g.c; ++c) {
      const std::int64_t plane = n * in.n + c * in.c;
      for (std::int64_t oh = 0; oh < g.oh; ++oh) {
        const std::int64_t top = oh * g.sh - g.pt;
        const std::int64_t y0 = std::max<std::int64_t>(top, 0), y1 = std::min(top + g.kh, g.h);
        for (std::int64_t ow = 0; ow < g.ow; ++ow) {
          const std::int64_t left = ow * g.sw - g.pl;
          const std::int64_t x0 = std::max<std::int64_t>(left, 0), x1 = std::min(left + g.kw, g.w);
          f(plane, n * out.n + c * out.c + oh * out.y + ow * out.x, y0, y1, x0, x1);
        }
      }
    }
}

// Unpadded max pooling, [N, H, W, C]: the channels of a window cell are contiguous, so the
// compare-and-select runs over them as one vectorisable loop per cell. Kh, Kw: the window's size
// when known at compile time (2x2, the usual pool, unrolls), else 0.
template <typename T, int Kh = 0, int Kw = 0>
void max_pool_channels_last(const ConvGeometry& g, const T* x, T* __restrict out, std::int64_t* __restrict argmax) {
  const std::int64_t kh = Kh > 0 ? Kh : g.kh, kw = Kw > 0 ? Kw : g.kw;
  const auto st = g.in_strides();
  const auto os = g.out_strides();
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t oh = 0; oh < g.oh; ++oh)
      for (std::int64_t ow = 0; ow < g.ow; ++ow) {
        const std::int64_t o = n * os.n + oh * os.y + ow * os.x;
        T* best = out + o;
        std::int64_t* best_at = argmax + o;
        const std::int64_t corner = n * st.n + oh * g.sh * st.y + ow * g.sw * st.x;
        for (std::int64_t c = 0; c < g.c; ++c) {
          best[c] = x[corner + c];
          best_at[c] = corner + c;
        }
        for (std::int64_t a = 0; a < kh; ++a)
          for (std::int64_t b = a == 0 ? 1 : 0; b < kw; ++b) {
            const std::int64_t cell = corner + a * st.y + b * st.x;
            for (std::int64_t c = 0; c < g.c; ++c) {
              const T v = x[cell + c];
              const bool wins = v > best[c];
              best[c] = wins ? v : best[c];
              best_at[c] = wins ? cell + c : best_at[c];
            }
          }
      }
}

// Unpadded max pooling, [N, C, H, W]: one output at a time, its maximum kept in registers.
template <typename T, int Kh = 0, int Kw = 0>
void max_pool_channels_first(const ConvGeometry& g, const T* x, T* __restrict out, std::int64_t* __restrict argmax) {
  const std::int64_t kh = Kh > 0 ? Kh : g.kh, kw = Kw > 0 ? Kw : g.kw;
  const auto st = g.in_strides();
  std::int64_t o = 0;  // outputs are written in their own row-major order
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t c = 0; c < g.c; ++c)
      for (std::int64_t oh = 0; oh < g.oh; ++oh)
        for (std::int64_t ow = 0; ow < g.ow; ++ow, ++o) {
          const std::int64_t corner = n * st.n + c * st.c + oh * g.sh * st.y + ow * g.sw;
          T best = x[corner];
          std::int64_t best_at = corner;
          for (std::int64_t a = 0; a < kh; ++a)
            for (std::int64_t b = a == 0 ? 1 : 0; b < kw; ++b) {
              const std::int64_t cell = corner + a * st.y + b;
              const T v = x[cell];
              const bool wins = v > best;
              // Selects by mask and max: GCC turns `wins ? a : b` here into branches once unrolled.
              const std::int64_t take = -static_cast<std::int64_t>(wins);  // all ones when v wins
              best_at = (cell & take) | (best_at & ~take);
              best = std::max(best, v);  // v only when strictly greater, as `wins`
            }
          out[o] = best;
          argmax[o] = best_at;
        }
}

Shape pooled_shape(const ConvGeometry& g) {
  return g.channels_last ? Shape{g.n, g.oh, g.ow, g.c} : Shape{g.n, g.c, g.oh, g.ow};
}

// Removes "<op2d>: " from a 2-D op's message so the 1-D op can name itself.
std::string without_prefix(const std::string& what, const std::string& op) {
  const std::string prefix = op + ": ";
  return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
}

// Runs a 2-D pool on [N, 1, L, C] | [N, C, 1, L] and returns [N, OL, C] | [N, C, OL].
template <typename T, typename Pool2d>
BasicTensor<T> pool1d(const BasicTensor<T>& x, ChannelLayout layout, const char* op, const char* op2d,
                      Pool2d&& pool2d) {
  const bool last = layout == ChannelLayout::channels_last;
  if (x.rank() != 3) {
    throw Error(fmt::format("{}: input must be 3-D ({}), got shape {}", op, last ? "[N, L, C]" : "[N, C, L]",
                            x.shape().str()));
  }
  const Shape& s = x.shape();
  try {
    const auto y = pool2d(reshape(x, last ? Shape{s[0], 1, s[1], s[2]} : Shape{s[0], s[1], 1, s[2]}));
    const Shape& sy = y.shape();
    return reshape(y, last ? Shape{sy[0], sy[2], sy[3]} : Shape{sy[0], sy[1], sy[3]});
  } catch (const Error& e) {
    throw Error(fmt::format("{}: input {}: {}", op, s.str(), without_prefix(e.what(), op2d)));
  }
}

}  // namespace

template <typename T>
BasicTensor<T> max_pool2d(const BasicTensor<T>& x, Extent2d kernel, Extent2d stride, Padding2d padding,
                          ChannelLayout layout) {
  // x [N, H, W, C] | [N, C, H, W] -> [N, OH, OW, C] | [N, C, OH, OW]
  // backward: dx[argmax of each window] += dy (the first maximum in row-major window order)
  const ConvGeometry g = pool_geometry(x.shape(), kernel, stride, padding, layout, "max_pool2d");
  const Shape out_shape = pooled_shape(g);
  typename BasicTensor<T>::Array out(out_shape.numel());
  std::vector<std::int64_t> argmax(static_cast<std::size_t>(out_shape.numel()));  // overwritten below
  const T* xv = x.data().data();
  const auto st = g.in_strides();
  if (g.pt == 0 && g.pb == 0 && g.pl == 0 && g.pr == 0) {
    // No padding: every window lies inside the input, and its first cell starts as the maximum; a
    // later cell replaces it only when strictly greater, so ties keep the first maximum. Written
    // as selects, not branches: which cell wins is data-dependent, and mispredicted branches made
    // this loop 40% of a small CNN's epoch.
    const bool two_by_two = g.kh == 2 && g.kw == 2;
    if (g.channels_last) {
      (two_by_two ? max_pool_channels_last<T, 2, 2> : max_pool_channels_last<T>)(g, xv, out.data(), argmax.data());
    } else {
      (two_by_two ? max_pool_channels_first<T, 2, 2> : max_pool_channels_first<T>)(g, xv, out.data(), argmax.data());
    }
  } else {
    for_each_window(g, [&](std::int64_t plane, std::int64_t o, std::int64_t y0, std::int64_t y1, std::int64_t x0,
                           std::int64_t x1) {
      T best = -std::numeric_limits<T>::infinity();
      std::int64_t best_at = plane + y0 * st.y + x0 * st.x;
      for (std::int64_t y = y0; y < y1; ++y)
        for (std::int64_t xi = x0; xi < x1; ++xi) {
          const std::int64_t at = plane + y * st.y + xi * st.x;
          // Strictly greater: a tie keeps the first maximum (both frameworks; see pool.h).
          if (xv[at] > best) {
            best = xv[at];
            best_at = at;
          }
        }
      out[o] = best;
      argmax[static_cast<std::size_t>(o)] = best_at;
    });
  }
  return make_result<T>("max_pool2d", out_shape, std::move(out), {&x},
                        [argmax = std::move(argmax)](GradNode<T>& node, const TensorImpl<T>&, const auto& gy) {
                          auto& dx = grad_sink(node, 0);
                          for (std::size_t o = 0; o < argmax.size(); ++o) dx[argmax[o]] += gy[static_cast<Eigen::Index>(o)];
                        });
}

template <typename T>
BasicTensor<T> avg_pool2d(const BasicTensor<T>& x, Extent2d kernel, Extent2d stride, Padding2d padding,
                          ChannelLayout layout, AvgDivisor divisor) {
  // x [N, H, W, C] | [N, C, H, W] -> [N, OH, OW, C] | [N, C, OH, OW]
  // backward: each input cell of a window receives dy / divisor
  const ConvGeometry g = pool_geometry(x.shape(), kernel, stride, padding, layout, "avg_pool2d");
  const Shape out_shape = pooled_shape(g);
  typename BasicTensor<T>::Array out(out_shape.numel());
  const T* xv = x.data().data();
  const auto st = g.in_strides();
  const auto divide_by = [&](std::int64_t y0, std::int64_t y1, std::int64_t x0, std::int64_t x1) {
    return static_cast<T>(divisor == AvgDivisor::window ? g.kh * g.kw : (y1 - y0) * (x1 - x0));
  };
  for_each_window(g, [&](std::int64_t plane, std::int64_t o, std::int64_t y0, std::int64_t y1, std::int64_t x0,
                         std::int64_t x1) {
    T total = 0;
    for (std::int64_t y = y0; y < y1; ++y)
      for (std::int64_t xi = x0; xi < x1; ++xi) total += xv[plane + y * st.y + xi * st.x];
    out[o] = total / divide_by(y0, y1, x0, x1);
  });
  return make_result<T>(
      "avg_pool2d", out_shape, std::move(out), {&x}, [g, divisor](GradNode<T>& node, const TensorImpl<T>&, const auto& gy) {
        auto& dx = grad_sink(node, 0);
        const auto strides = g.in_strides();
        for_each_window(g, [&](std::int64_t plane, std::int64_t o, std::int64_t y0, std::int64_t y1, std::int64_t x0,
                               std::int64_t x1) {
          const T count = static_cast<T>(divisor == AvgDivisor::window ? g.kh * g.kw : (y1 - y0) * (x1 - x0));
          const T share = gy[o] / count;
          for (std::int64_t y = y0; y < y1; ++y)
            for (std::int64_t xi = x0; xi < x1; ++xi) dx[plane + y * strides.y + xi * strides.x] += share;
        });
      });
}

template <typename T>
BasicTensor<T> max_pool1d(const BasicTensor<T>& x, std::int64_t kernel, std::int64_t stride, AxisPadding padding,
                          ChannelLayout layout) {
  return pool1d<T>(x, layout, "max_pool1d", "max_pool2d", [&](const BasicTensor<T>& x2) {
    return max_pool2d(x2, Extent2d{1, kernel}, Extent2d{1, stride}, Padding2d{{}, padding}, layout);
  });
}

template <typename T>
BasicTensor<T> avg_pool1d(const BasicTensor<T>& x, std::int64_t kernel, std::int64_t stride, AxisPadding padding,
                          ChannelLayout layout, AvgDivisor divisor) {
  return pool1d<T>(x, layout, "avg_pool1d", "avg_pool2d", [&](const BasicTensor<T>& x2) {
    return avg_pool2d(x2, Extent2d{1, kernel}, Extent2d{1, stride}, Padding2d{{}, padding}, layout, divisor);
  });
}

namespace {
// [N, (H,) W, C] -> [N, HW, C] (reduce axis 1) | [N, C, (H,) W] -> [N, C, HW] (reduce axis 2),
// reduced by `reduce`, then shaped [N, C] or, with keepdims, the input's rank with spatial sizes 1.
template <typename T, typename Reduce>
BasicTensor<T> global_pool(const BasicTensor<T>& x, ChannelLayout layout, bool keepdims, const char* op,
                           Reduce&& reduce) {
  const Shape& s = x.shape();
  if (s.rank() != 3 && s.rank() != 4) {
    throw Error(fmt::format("{}: input must be 3-D or 4-D with a batch axis first, got shape {}", op, s.str()));
  }
  const bool last = layout == ChannelLayout::channels_last;
  const std::int64_t n = s[0], c = last ? s[s.rank() - 1] : s[1];
  const std::int64_t positions = n * c == 0 ? 0 : s.numel() / (n * c);
  if (positions == 0) throw Error(fmt::format("{}: input of shape {} has no spatial positions", op, s.str()));
  const auto pooled = last ? reduce(reshape(x, Shape{n, positions, c}), 1) : reduce(reshape(x, Shape{n, c, positions}), 2);
  if (!keepdims) return pooled;
  Shape kept{n};
  if (!last) kept.push_back(c);
  for (int a = 0; a < s.rank() - 2; ++a) kept.push_back(1);
  if (last) kept.push_back(c);
  return reshape(pooled, kept);
}
}  // namespace

template <typename T>
BasicTensor<T> global_avg_pool(const BasicTensor<T>& x, ChannelLayout layout, bool keepdims) {
  return global_pool(x, layout, keepdims, "global_avg_pool",
                     [](const BasicTensor<T>& v, int axis) { return mean(v, axis); });
}

template <typename T>
BasicTensor<T> global_max_pool(const BasicTensor<T>& x, ChannelLayout layout, bool keepdims) {
  return global_pool(x, layout, keepdims, "global_max_pool",
                     [](const BasicTensor<T>& v, int axis) { return max(v, axis); });
}

#define DUET_INSTANTIATE(T)                                                                                    \
  template BasicTensor<T> max_pool2d(const BasicTensor<T>&, Extent2d, Extent2d, Padding2d, ChannelLayout);     \
  template BasicTensor<T> avg_pool2d(const BasicTensor<T>&, Extent2d, Extent2d, Padding2d, ChannelLayout,      \
                                     AvgDivisor);                                                              \
  template BasicTensor<T> max_pool1d(const BasicTensor<T>&, std::int64_t, std::int64_t, AxisPadding,           \
                                     ChannelLayout);                                                           \
  template BasicTensor<T> avg_pool1d(const BasicTensor<T>&, std::int64_t, std::int64_t, AxisPadding,           \
                                     ChannelLayout, AvgDivisor);                                               \
  template BasicTensor<T> global_avg_pool(const BasicTensor<T>&, ChannelLayout, bool);                        \
  template BasicTensor<T> global_max_pool(const BasicTensor<T>&, ChannelLayout, bool);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
