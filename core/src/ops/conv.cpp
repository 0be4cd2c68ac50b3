// Convolution as im2col + one GEMM, in either channel layout, and the layout permutations.
#include "duet/core/conv.h"

#include <fmt/format.h>

#include "../autograd.h"
#include "conv_geometry.h"
#include "im2col.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

using detail::add_hwio_to_oihw;
using detail::channels_first_to_last;
using detail::channels_last_to_first;
using detail::col2im_nhwc_add;
using detail::ConstMat;
using detail::ConvGeometry;
using detail::im2col_nhwc;
using detail::Mat;
using detail::oihw_as_hwio;
using detail::RowMajor;
using detail::swap_outer_blocks;
using detail::grad_sink;
using detail::make_result;
using detail::wants_grad;

AxisPadding same_padding(std::int64_t in, std::int64_t kernel, std::int64_t stride) {
  const std::int64_t out = stride > 0 ? (in + stride - 1) / stride : 0;
  const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + kernel - in, 0);
  // The odd pixel goes after (bottom/right) in TensorFlow and in PyTorch's padding='same'.
  const std::int64_t before = total / 2;
  return {before, total - before};
}

std::int64_t window_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride, AxisPadding pad,
                                const char* op, const char* axis) {
  if (stride <= 0) throw Error(fmt::format("{}: stride along the {} must be positive, got {}", op, axis, stride));
  if (kernel <= 0) throw Error(fmt::format("{}: kernel size along the {} must be positive, got {}", op, axis, kernel));
  if (pad.before < 0 || pad.after < 0) {
    throw Error(fmt::format("{}: padding along the {} must not be negative, got ({}, {})", op, axis, pad.before,
                            pad.after));
  }
  const std::int64_t padded = in + pad.before + pad.after;
  if (kernel > padded) {
    throw Error(fmt::format("{}: kernel size {} along the {} is larger than the padded input ({} = {} + padding {} + {})",
                            op, kernel, axis, padded, in, pad.before, pad.after));
  }
  return (padded - kernel) / stride + 1;
}

namespace {

// The geometry of x * kernel, with every shape check (messages name `op` and both shapes).
ConvGeometry conv_geometry(const Shape& sx, const Shape& sk, Extent2d stride, Padding2d pad, ChannelLayout layout,
                           const char* op) {
  if (sx.rank() != 4) {
    throw Error(fmt::format("{}: input must be 4-D ({}), got shape {}", op,
                            layout == ChannelLayout::channels_last ? "[N, H, W, C]" : "[N, C, H, W]", sx.str()));
  }
  if (sk.rank() != 4) {
    throw Error(fmt::format("{}: kernel must be 4-D ({}), got shape {}", op,
                            layout == ChannelLayout::channels_last ? "[KH, KW, in, out]" : "[out, in, KH, KW]",
                            sk.str()));
  }
  ConvGeometry g;
  const bool last = layout == ChannelLayout::channels_last;
  g.channels_last = last;
  g.n = sx[0];
  g.c = last ? sx[3] : sx[1];
  g.h = last ? sx[1] : sx[2];
  g.w = last ? sx[2] : sx[3];
  g.kh = last ? sk[0] : sk[2];
  g.kw = last ? sk[1] : sk[3];
  const std::int64_t kernel_in = last ? sk[2] : sk[1];
  g.o = last ? sk[3] : sk[0];
  if (kernel_in != g.c) {
    throw Error(fmt::format("{}: input of shape {} has {} channels but the kernel of shape {} expects {}", op,
                            sx.str(), g.c, sk.str(), kernel_in));
  }
  g.set_window(stride, pad, op);
  return g;
}

}  // namespace

template <typename T>
BasicTensor<T> conv2d(const BasicTensor<T>& x, const BasicTensor<T>& kernel, const BasicTensor<T>& bias,
                      Extent2d stride, Padding2d padding, ChannelLayout layout) {
  // channels_last: x [N, H, W, C], kernel [KH, KW, C, O] -> [N, OH, OW, O]
  // channels_first: x [N, C, H, W], weight [O, C, KH, KW] -> [N, O, OH, OW]
  // im2col X: [M = N OH OW, K = KH KW C] from the NHWC input; W: the kernel as HWIO [K, O].
  // forward: Y [M, O] = X W + b, one GEMM (rows are output pixels: NHWC as they stand).
  // backward: dW = X^T dY; dX = col2im(dY W^T); db = column sums of dY.
  // Channels first runs the same kernels: x, the weight and dY are transposed into NHWC / HWIO
  // copies (cheap next to the GEMMs), the results transposed back.
  using Array = typename BasicTensor<T>::Array;
  const ConvGeometry g = conv_geometry(x.shape(), kernel.shape(), stride, padding, layout, "conv2d");
  const bool has_bias = bias.defined();
  if (has_bias && !(bias.shape() == Shape{g.o})) {
    throw Error(fmt::format("conv2d: bias of shape {} does not match {} output channels", bias.shape().str(), g.o));
  }
  const std::int64_t m = g.n * g.oh * g.ow, k = g.patch_size(), pixels = g.oh * g.ow;
  const Shape cols_shape{m, k};  // checks Duet's element limit before allocating the patches
  Array cols(cols_shape.numel());
  const bool first = !g.channels_last;
  if (first) {
    Array x_nhwc(x.numel());
    channels_first_to_last(x.data().data(), x_nhwc.data(), g.n, g.c, g.h * g.w);
    im2col_nhwc(x_nhwc.data(), cols.data(), g);
  } else {
    im2col_nhwc(x.data().data(), cols.data(), g);
  }
  // OIHW [O, C KH KW] -> HWIO [KH KW C, O].
  RowMajor<T> w_first;
  if (first) w_first = oihw_as_hwio(kernel.data().data(), g);
  const auto w = ConstMat<T>(first ? w_first.data() : kernel.data().data(), k, g.o);

  const Shape out_shape = first ? Shape{g.n, g.o, g.oh, g.ow} : Shape{g.n, g.oh, g.ow, g.o};
  Array out(out_shape.numel());
  const auto x_patches = ConstMat<T>(cols.data(), m, k);
  if (first) {
    // Y^T [O, N OH OW] = W^T X^T: each output channel's pixels come out contiguous, so reaching
    // NCHW moves whole rows of OH OW values instead of transposing element by element.
    RowMajor<T> y_t(g.o, m);
    y_t.noalias() = w.transpose() * x_patches.transpose();
    if (has_bias) y_t.colwise() += Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>>(bias.data().data(), g.o);
    swap_outer_blocks(y_t.data(), out.data(), g.o, g.n, pixels);
  } else {
    auto y = Mat<T>(out.data(), m, g.o);
    y.noalias() = x_patches * w;
    if (has_bias) y.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(bias.data().data(), g.o);
  }

  auto backward = [g, m, k, pixels, has_bias, cols = std::move(cols)](GradNode<T>& node, const TensorImpl<T>&,
                                                                              const auto& gy) {
    const bool first_layout = !g.channels_last;
    const bool want_x = wants_grad(node, 0), want_w = wants_grad(node, 1);
    const bool want_b = has_bias && wants_grad(node, 2);
    // Channels first: dY^T [O, N OH OW] by whole rows from NCHW, as the forward's Y^T.
    RowMajor<T> dy_t(first_layout ? g.o : 0, first_layout ? m : 0);
    if (first_layout) swap_outer_blocks(gy.data(), dy_t.data(), g.n, g.o, pixels);
    const auto dy = ConstMat<T>(gy.data(), first_layout ? 0 : m, g.o);  // channels last: NHWC is [M, O]
    const auto patches = ConstMat<T>(cols.data(), m, k);
    if (want_w) {
      if (first_layout) {
        // dW^T [O, KH KW C] = dY^T X, added into the OIHW gradient.
        const RowMajor<T> dw_t = dy_t * patches;
        add_hwio_to_oihw(dw_t.transpose(), grad_sink(node, 1).data(), g);
      } else {
        Mat<T>(grad_sink(node, 1).data(), k, g.o).noalias() += patches.transpose() * dy;
      }
    }
    if (want_b) {
      auto db = Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>>(grad_sink(node, 2).data(), g.o);
      if (first_layout) {
        db += dy_t.rowwise().sum().transpose();
      } else {
        db += dy.colwise().sum();
      }
    }
    if (want_x) {
      const auto& wv = node.inputs[1]->data;
      RowMajor<T> w_hwio;
      if (first_layout) w_hwio = oihw_as_hwio(wv.data(), g);
      const auto w_mat = ConstMat<T>(first_layout ? w_hwio.data() : wv.data(), k, g.o);
      RowMajor<T> dcols(m, k);
      if (first_layout) {
        dcols.noalias() = dy_t.transpose() * w_mat.transpose();
      } else {
        dcols.noalias() = dy * w_mat.transpose();
      }
      if (first_layout) {
        Array dx_nhwc = Array::Zero(g.n * g.h * g.w * g.c);
        col2im_nhwc_add(dcols.data(), dx_nhwc.data(), g);
        Array dx(dx_nhwc.size());
        channels_last_to_first(dx_nhwc.data(), dx.data(), g.n, g.h * g.w, g.c);
        grad_sink(node, 0) += dx;
      } else {
        col2im_nhwc_add(dcols.data(), grad_sink(node, 0).data(), g);
      }
    }
  };
  if (has_bias) return make_result<T>("conv2d", out_shape, std::move(out), {&x, &kernel, &bias}, std::move(backward));
  return make_result<T>("conv2d", out_shape, std::move(out), {&x, &kernel}, std::move(backward));
}

template <typename T>
BasicTensor<T> conv1d(const BasicTensor<T>& x, const BasicTensor<T>& kernel, const BasicTensor<T>& bias,
                      std::int64_t stride, AxisPadding padding, ChannelLayout layout) {
  // The 2-D op on a height of 1: [N, L, C] -> [N, 1, L, C], [K, C, O] -> [1, K, C, O] (channels
  // last); [N, C, L] -> [N, C, 1, L], [O, C, K] -> [O, C, 1, K] (channels first).
  const bool last = layout == ChannelLayout::channels_last;
  if (x.rank() != 3) {
    throw Error(fmt::format("conv1d: input must be 3-D ({}), got shape {}", last ? "[N, L, C]" : "[N, C, L]",
                            x.shape().str()));
  }
  if (kernel.rank() != 3) {
    throw Error(fmt::format("conv1d: kernel must be 3-D ({}), got shape {}", last ? "[K, in, out]" : "[out, in, K]",
                            kernel.shape().str()));
  }
  const Shape& sx = x.shape();
  const Shape& sk = kernel.shape();
  const Shape x2 = last ? Shape{sx[0], 1, sx[1], sx[2]} : Shape{sx[0], sx[1], 1, sx[2]};
  const Shape k2 = last ? Shape{1, sk[0], sk[1], sk[2]} : Shape{sk[0], sk[1], 1, sk[2]};
  try {
    const auto y = conv2d(reshape(x, x2), reshape(kernel, k2), bias, Extent2d{1, stride}, Padding2d{{}, padding}, layout);
    const Shape& sy = y.shape();
    return reshape(y, last ? Shape{sy[0], sy[2], sy[3]} : Shape{sy[0], sy[1], sy[3]});
  } catch (const Error& e) {
    // Name the 1-D op and its shapes rather than the 2-D view of them.
    std::string what = e.what();
    if (what.rfind("conv2d: ", 0) == 0) what = what.substr(8);
    throw Error(fmt::format("conv1d: input {} with kernel {}: {}", sx.str(), sk.str(), what));
  }
}

namespace {
// Positions of x's values in the permuted tensor, for a rank-3/4 tensor whose axis `from` moves
// to position `to` (the others keep their order).
template <typename T>
BasicTensor<T> move_axis(const BasicTensor<T>& x, int from, int to, const char* op) {
  if (x.rank() != 3 && x.rank() != 4) {
    throw Error(fmt::format("{}: need a 3-D or 4-D tensor, got shape {}", op, x.shape().str()));
  }
  std::vector<std::int64_t> order;
  for (int a = 0; a < x.rank(); ++a)
    if (a != from) order.push_back(a);
  order.insert(order.begin() + to, from);
  return x.permute(order);
}
}  // namespace

template <typename T>
BasicTensor<T> to_channels_first(const BasicTensor<T>& x) {
  return move_axis(x, x.rank() - 1, 1, "to_channels_first");
}

template <typename T>
BasicTensor<T> to_channels_last(const BasicTensor<T>& x) {
  return move_axis(x, 1, x.rank() - 1, "to_channels_last");
}

#define DUET_INSTANTIATE(T)                                                                                   \
  template BasicTensor<T> conv2d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, Extent2d, \
                                 Padding2d, ChannelLayout);                                                   \
  template BasicTensor<T> conv1d(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,           \
                                 std::int64_t, AxisPadding, ChannelLayout);                                   \
  template BasicTensor<T> to_channels_first(const BasicTensor<T>&);                                           \
  template BasicTensor<T> to_channels_last(const BasicTensor<T>&);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
