// Internal: the patch and layout kernels shared by the convolution (conv.cpp) and its adjoint,
// the transposed convolution (conv_transpose.cpp). Patches are taken from NHWC data; a
// channels-first tensor is transposed to NHWC first, and an OIHW weight read as an HWIO matrix.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>

#include "conv_geometry.h"

namespace duet::detail {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Mat = Eigen::Map<RowMajor<T>>;
template <typename T>
using ConstMat = Eigen::Map<const RowMajor<T>>;

// The kernel columns kw in [lo, hi) of output column `ow` that fall inside the input's width.
struct ValidColumns {
  std::int64_t lo, hi;
};
inline ValidColumns valid_columns(const ConvGeometry& g, std::int64_t ow) {
  const std::int64_t left = ow * g.sw - g.pl;
  return {std::max<std::int64_t>(0, -left), std::max<std::int64_t>(0, std::min(g.kw, g.w - left))};
}

// Patches of an NHWC input: row (n, oh, ow), column (kh KW + kw) C + c, so an HWIO kernel read as
// a [KH KW C, O] matrix multiplies them directly. With no dilation a kernel row's KW pixels are
// adjacent in the input, so each (n, oh, ow, kh) is one contiguous run of up to KW C values
// between zeros for the padding: no test per value (a grey image has C = 1).
template <typename T>
void im2col_nhwc(const T* x, T* cols, const ConvGeometry& g) {
  const std::int64_t k_cols = g.patch_size(), run = g.kw * g.c;
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t oh = 0; oh < g.oh; ++oh)
      for (std::int64_t ow = 0; ow < g.ow; ++ow) {
        const auto [lo, hi] = valid_columns(g, ow);
        T* row = cols + ((n * g.oh + oh) * g.ow + ow) * k_cols;
        for (std::int64_t kh = 0; kh < g.kh; ++kh, row += run) {
          const std::int64_t ih = oh * g.sh - g.pt + kh;
          if (ih < 0 || ih >= g.h || lo >= hi) {
            std::fill(row, row + run, T(0));
            continue;
          }
          // The first valid pixel (the window's left edge may lie in the padding, before x).
          const T* src = x + ((n * g.h + ih) * g.w + ow * g.sw - g.pl + lo) * g.c;
          std::fill(row, row + lo * g.c, T(0));
          std::copy(src, src + (hi - lo) * g.c, row + lo * g.c);
          std::fill(row + hi * g.c, row + run, T(0));
        }
      }
}

// The adjoint of im2col_nhwc: adds each patch entry back to the input position it came from.
template <typename T>
void col2im_nhwc_add(const T* cols, T* dx, const ConvGeometry& g) {
  const std::int64_t k_cols = g.patch_size(), run = g.kw * g.c;
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t oh = 0; oh < g.oh; ++oh)
      for (std::int64_t ow = 0; ow < g.ow; ++ow) {
        const auto [lo, hi] = valid_columns(g, ow);
        const T* row = cols + ((n * g.oh + oh) * g.ow + ow) * k_cols;
        for (std::int64_t kh = 0; kh < g.kh; ++kh, row += run) {
          const std::int64_t ih = oh * g.sh - g.pt + kh;
          if (ih < 0 || ih >= g.h || lo >= hi) continue;
          T* dst = dx + ((n * g.h + ih) * g.w + ow * g.sw - g.pl + lo) * g.c;
          const T* from = row + lo * g.c;
          for (std::int64_t i = 0; i < (hi - lo) * g.c; ++i) dst[i] += from[i];
        }
      }
}

// [N, C, P] <-> [N, P, C] (P = spatial positions): one transposed copy per sample.
template <typename T>
void channels_first_to_last(const T* src, T* dst, std::int64_t n, std::int64_t c, std::int64_t p) {
  for (std::int64_t i = 0; i < n; ++i) Mat<T>(dst + i * p * c, p, c) = ConstMat<T>(src + i * c * p, c, p).transpose();
}
template <typename T>
void channels_last_to_first(const T* src, T* dst, std::int64_t n, std::int64_t p, std::int64_t c) {
  for (std::int64_t i = 0; i < n; ++i) Mat<T>(dst + i * c * p, c, p) = ConstMat<T>(src + i * p * c, p, c).transpose();
}

// [A, B, P] -> [B, A, P]: swaps the two outer axes of blocks of P contiguous values (NCHW's
// [N, C, P] and a GEMM's [C, N P]), one block copy each.
template <typename T>
void swap_outer_blocks(const T* src, T* dst, std::int64_t a, std::int64_t b, std::int64_t p) {
  for (std::int64_t i = 0; i < a; ++i)
    for (std::int64_t j = 0; j < b; ++j) std::copy_n(src + (i * b + j) * p, p, dst + (j * a + i) * p);
}

// An OIHW weight (g.o x g.c x g.kh x g.kw values) as the HWIO matrix [KH KW C, O]:
// out[(kh KW + kw) C + c, o] = w[o, (c KH + kh) KW + kw].
template <typename T>
RowMajor<T> oihw_as_hwio(const T* w, const ConvGeometry& g) {
  RowMajor<T> out(g.patch_size(), g.o);
  for (std::int64_t o = 0; o < g.o; ++o)
    for (std::int64_t c = 0; c < g.c; ++c)
      for (std::int64_t a = 0; a < g.kh * g.kw; ++a) out((a * g.c) + c, o) = w[(o * g.c + c) * g.kh * g.kw + a];
  return out;
}

// The inverse direction for a gradient: adds the HWIO matrix `hwio` [KH KW C, O] into OIHW `w`.
template <typename T, typename Matrix>
void add_hwio_to_oihw(const Matrix& hwio, T* w, const ConvGeometry& g) {
  for (std::int64_t o = 0; o < g.o; ++o)
    for (std::int64_t c = 0; c < g.c; ++c)
      for (std::int64_t a = 0; a < g.kh * g.kw; ++a) w[(o * g.c + c) * g.kh * g.kw + a] += hwio(a * g.c + c, o);
}

}  // namespace duet::detail
