/// @file
/// 2-D transposed convolution (PyTorch's conv_transpose2d, channels first), computed as the
/// adjoint of duet::conv2d: the input's values are spread by the weight into patches (one GEMM),
/// the patches added back into the output image (col2im), the same kernels conv2d uses for its
/// input gradient. Its own input gradient is therefore a plain convolution.
///
/// Layout as PyTorch: x [N, in, H, W], weight [in, out, KH, KW] (the weight of the convolution
/// it transposes, read [O, C, KH, KW] with O = in, C = out), bias [out] -> [N, out, OH, OW] with
/// OH = (H - 1) stride_h - 2 padding_h + KH + output_padding_h (and likewise for the width).
/// `padding` crops both sides of the full output; `output_padding` adds rows / columns at the
/// bottom / right only, to pick one of the `stride` input sizes that a strided convolution maps
/// to the same output size. Dilation 1 and groups 1.
#pragma once

#include <cstdint>

#include "duet/core/conv.h"
#include "duet/core/tensor.h"

namespace duet {

/// The output size along one axis, (in - 1) stride - 2 padding + kernel + output_padding, after
/// checking the arguments: stride and kernel positive, padding and output_padding not negative,
/// output_padding smaller than stride, and a positive result. Errors name `op`, the axis and
/// every number.
std::int64_t conv_transpose_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                                        std::int64_t padding, std::int64_t output_padding, const char* op,
                                        const char* axis);

/// 2-D transposed convolution: x [N, in, H, W], weight [in, out, KH, KW], bias [out] or undefined
/// -> [N, out, OH, OW] (see the file comment). Differentiable in x, weight and bias:
/// dx = conv2d(dy, weight), dweight = the patches of dy against x, dbias = sums of dy per channel.
/// Throws naming `op` for a wrong rank, a channel count that does not match the weight, a bias of
/// the wrong size and the cases of conv_transpose_output_size.
template <typename T>
BasicTensor<T> conv_transpose2d(const BasicTensor<T>& x, const BasicTensor<T>& weight, const BasicTensor<T>& bias,
                                Extent2d stride, Extent2d padding, Extent2d output_padding,
                                const char* op = "conv_transpose2d");

}  // namespace duet
