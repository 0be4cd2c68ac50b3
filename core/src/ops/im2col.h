// Internal: the patch and layout kernels shared by the convolution (conv.cpp) and its adjoint,
// the transposed convolution (conv_transpose.cpp). Patches are taken from NHWC data; a
// channels-first tensor is transposed to NHWC first, and an OIHW weight read as an HWIO matrix.
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "conv_geometry.h"

namespace duet::detail {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Mat = Eigen::Map<RowMajor<T>>;
template <typename T>
using ConstMat = Eigen::Map<const RowMajor<T>>;

// Patches of an NHWC input: row (n, oh, ow), column (kh KW + kw) C + c, so an HWIO kernel read as
// a [KH KW C, O] matrix multiplies them directly, and each (kh, kw) is one contiguous run of C.
template <typename T>
void im2col_nhwc(const T* x, T* cols, const ConvGeometry& g) {
  const std::int64_t k_cols = g.patch_size();
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t oh = 0; oh < g.oh; ++oh)
      for (std::int64_t ow = 0; ow < g.ow; ++ow) {
        T* row = cols + ((n * g.oh + oh) * g.ow + ow) * k_cols;
        for (std::int64_t kh = 0; kh < g.kh; ++kh) {
          const std::int64_t ih = oh * g.sh - g.pt + kh;
          for (std::int64_t kw = 0; kw < g.kw; ++kw, row += g.c) {
            const std::int64_t iw = ow * g.sw - g.pl + kw;
            // Plain loops, not memset/memmove calls: runs are short (C values; 1 for a grey image).
            if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) {
              for (std::int64_t c = 0; c < g.c; ++c) row[c] = T(0);
            } else {
              const T* src = x + ((n * g.h + ih) * g.w + iw) * g.c;
              for (std::int64_t c = 0; c < g.c; ++c) row[c] = src[c];
            }
          }
        }
      }
}

// The adjoint of im2col_nhwc: adds each patch entry back to the input position it came from.
template <typename T>
void col2im_nhwc_add(const T* cols, T* dx, const ConvGeometry& g) {
  const std::int64_t k_cols = g.patch_size();
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t oh = 0; oh < g.oh; ++oh)
      for (std::int64_t ow = 0; ow < g.ow; ++ow) {
        const T* row = cols + ((n * g.oh + oh) * g.ow + ow) * k_cols;
        for (std::int64_t kh = 0; kh < g.kh; ++kh) {
          const std::int64_t ih = oh * g.sh - g.pt + kh;
          for (std::int64_t kw = 0; kw < g.kw; ++kw, row += g.c) {
            const std::int64_t iw = ow * g.sw - g.pl + kw;
            if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
            T* dst = dx + ((n * g.h + ih) * g.w + iw) * g.c;
            for (std::int64_t c = 0; c < g.c; ++c) dst[c] += row[c];
          }
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
