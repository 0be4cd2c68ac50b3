// The transposed convolution as the adjoint of conv2d: a GEMM and col2im forward, im2col and a
// GEMM backward, on the kernels conv.cpp uses (im2col.h).
#include "duet/core/conv_transpose.h"

#include <fmt/format.h>

#include "../autograd.h"
#include "conv_geometry.h"
#include "duet/core/error.h"
#include "im2col.h"

namespace duet {

using detail::add_hwio_to_oihw;
using detail::channels_first_to_last;
using detail::channels_last_to_first;
using detail::col2im_nhwc_add;
using detail::ConstMat;
using detail::ConvGeometry;
using detail::grad_sink;
using detail::im2col_nhwc;
using detail::make_result;
using detail::Mat;
using detail::oihw_as_hwio;
using detail::RowMajor;
using detail::wants_grad;

std::int64_t conv_transpose_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                                        std::int64_t padding, std::int64_t output_padding, const char* op,
                                        const char* axis) {
  if (stride <= 0) throw Error(fmt::format("{}: stride along the {} must be positive, got {}", op, axis, stride));
  if (kernel <= 0) throw Error(fmt::format("{}: kernel size along the {} must be positive, got {}", op, axis, kernel));
  if (padding < 0) throw Error(fmt::format("{}: padding along the {} must not be negative, got {}", op, axis, padding));
  // aten's check in ConvUtils.h: output padding must be smaller than either stride or dilation;
  // with dilation 1, smaller than the stride.
  if (output_padding < 0 || output_padding >= stride) {
    throw Error(fmt::format("{}: output_padding along the {} must be at least 0 and smaller than the stride, got "
                            "output_padding {} with stride {}",
                            op, axis, output_padding, stride));
  }
  const std::int64_t out = (in - 1) * stride - 2 * padding + kernel + output_padding;
  if (out <= 0) {
    throw Error(fmt::format("{}: the output {} would be {} = ({} - 1) x stride {} - 2 x padding {} + kernel {} + "
                            "output_padding {}; it must be positive (the padding is too large)",
                            op, axis, out, in, stride, padding, kernel, output_padding));
  }
  return out;
}

namespace {

// The geometry of the convolution this op transposes: its input is our output [N, out, OH, OW],
// its output our input [N, in, H, W], its weight ours read as [O = in, C = out, KH, KW].
ConvGeometry transposed_geometry(const Shape& sx, const Shape& sw, Extent2d stride, Extent2d padding,
                                 Extent2d output_padding, const char* op) {
  if (sx.rank() != 4) {
    throw Error(fmt::format("{}: input must be 4-D [N, in_channels, H, W], got shape {}", op, sx.str()));
  }
  if (sw.rank() != 4) {
    throw Error(fmt::format("{}: weight must be 4-D [in_channels, out_channels, KH, KW], got shape {}", op, sw.str()));
  }
  if (sx[1] != sw[0]) {
    throw Error(fmt::format("{}: input of shape {} has {} channels but the weight of shape {} expects {} "
                            "(weight is [in_channels, out_channels, KH, KW])",
                            op, sx.str(), sx[1], sw.str(), sw[0]));
  }
  ConvGeometry g;
  g.channels_last = false;
  g.n = sx[0];
  g.o = sw[0];
  g.c = sw[1];
  g.kh = sw[2];
  g.kw = sw[3];
  g.h = conv_transpose_output_size(sx[2], g.kh, stride.h, padding.h, output_padding.h, op, "height");
  g.w = conv_transpose_output_size(sx[3], g.kw, stride.w, padding.w, output_padding.w, op, "width");
  // The convolution over [g.h, g.w] with this padding has exactly H x W windows (output_padding
  // < stride only adds rows no window reaches in full).
  g.set_window(stride, Padding2d{{padding.h, padding.h}, {padding.w, padding.w}}, op);
  if (g.oh != sx[2] || g.ow != sx[3]) {
    throw Error(fmt::format("{}: internal error: {}x{} windows for an input of {}x{}", op, g.oh, g.ow, sx[2], sx[3]));
  }
  return g;
}

}  // namespace

template <typename T>
BasicTensor<T> conv_transpose2d(const BasicTensor<T>& x, const BasicTensor<T>& weight, const BasicTensor<T>& bias,
                                Extent2d stride, Extent2d padding, Extent2d output_padding, const char* op) {
  // With the convolution's names (see transposed_geometry): X = x as rows [M = N H W, O],
  // W = weight as HWIO [K = KH KW C, O]. forward: patches P = X W^T [M, K], y = col2im(P) + b.
  // backward: Q = im2col(dy) [M, K]; dx = Q W (the convolution of dy); dW = Q^T X; db = sums of dy.
  using Array = typename BasicTensor<T>::Array;
  const ConvGeometry g = transposed_geometry(x.shape(), weight.shape(), stride, padding, output_padding, op);
  const bool has_bias = bias.defined();
  if (has_bias && !(bias.shape() == Shape{g.c})) {
    throw Error(fmt::format("{}: bias of shape {} does not match {} output channels", op, bias.shape().str(), g.c));
  }
  const std::int64_t m = g.n * g.oh * g.ow, k = g.patch_size();
  const std::int64_t in_pixels = g.oh * g.ow, out_pixels = g.h * g.w;
  const Shape cols_shape{m, k};  // checks Duet's element limit before allocating the patches
  const Shape out_shape{g.n, g.c, g.h, g.w};

  RowMajor<T> rows(m, g.o);
  channels_first_to_last(x.data().data(), rows.data(), g.n, g.o, in_pixels);
  const RowMajor<T> w_hwio = oihw_as_hwio(weight.data().data(), g);
  RowMajor<T> cols(cols_shape[0], cols_shape[1]);
  cols.noalias() = rows * w_hwio.transpose();
  Array out_nhwc = Array::Zero(out_shape.numel());
  col2im_nhwc_add(cols.data(), out_nhwc.data(), g);
  Array out(out_shape.numel());
  channels_last_to_first(out_nhwc.data(), out.data(), g.n, out_pixels, g.c);
  if (has_bias) {
    Mat<T> per_channel(out.data(), g.n * g.c, out_pixels);
    for (std::int64_t r = 0; r < g.n * g.c; ++r) per_channel.row(r).array() += bias.data()[r % g.c];
  }

  auto backward = [g, m, k, in_pixels, out_pixels, has_bias](GradNode<T>& node, const TensorImpl<T>&,
                                                            const auto& gy) {
    const bool want_x = wants_grad(node, 0), want_w = wants_grad(node, 1);
    const bool want_b = has_bias && wants_grad(node, 2);
    if (want_b) {
      const auto per_channel = ConstMat<T>(gy.data(), g.n * g.c, out_pixels);
      auto& sink = grad_sink(node, 2);
      for (std::int64_t r = 0; r < g.n * g.c; ++r) sink[r % g.c] += per_channel.row(r).sum();
    }
    if (!want_x && !want_w) return;
    Array gy_nhwc(gy.size());
    channels_first_to_last(gy.data(), gy_nhwc.data(), g.n, g.c, out_pixels);
    RowMajor<T> patches(m, k);
    im2col_nhwc(gy_nhwc.data(), patches.data(), g);
    if (want_x) {
      const RowMajor<T> weight_hwio = oihw_as_hwio(node.inputs[1]->data.data(), g);
      RowMajor<T> dx_rows(m, g.o);
      dx_rows.noalias() = patches * weight_hwio;
      Array dx(m * g.o);
      channels_last_to_first(dx_rows.data(), dx.data(), g.n, in_pixels, g.o);
      grad_sink(node, 0) += dx;
    }
    if (want_w) {
      RowMajor<T> x_rows(m, g.o);
      channels_first_to_last(node.inputs[0]->data.data(), x_rows.data(), g.n, g.o, in_pixels);
      const RowMajor<T> dw = patches.transpose() * x_rows;
      add_hwio_to_oihw(dw, grad_sink(node, 1).data(), g);
    }
  };
  if (has_bias) {
    return make_result<T>("conv_transpose2d", out_shape, std::move(out), {&x, &weight, &bias}, std::move(backward));
  }
  return make_result<T>("conv_transpose2d", out_shape, std::move(out), {&x, &weight}, std::move(backward));
}

#define DUET_INSTANTIATE(T)                                                                                  \
  template BasicTensor<T> conv_transpose2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, \
                                           Extent2d, Extent2d, Extent2d, const char*);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
