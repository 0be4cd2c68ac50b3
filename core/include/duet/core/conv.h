/// @file
/// Convolution in one and two spatial dimensions, in either framework's layout, computed as
/// im2col followed by one Eigen matrix product (and its transpose for the backward pass).
///
/// The frameworks agree on the arithmetic and differ in where things sit:
/// - Keras / TensorFlow (ChannelLayout::channels_last): x [N, H, W, C], kernel [KH, KW, in, out]
///   (HWIO); 1-D: x [N, L, C], kernel [K, in, out].
/// - PyTorch (ChannelLayout::channels_first): x [N, C, H, W], weight [out, in, KH, KW] (OIHW);
///   1-D: x [N, C, L], weight [out, in, K].
/// Padding is explicit (before/after per spatial axis); the front-ends turn their framework's
/// 'same' / 'valid' / int padding into amounts with the helpers below.
#pragma once

#include <cstdint>

#include "duet/core/tensor.h"

namespace duet {

/// Where the channel axis sits, and with it the layout of the kernel (see the file comment).
enum class ChannelLayout {
  channels_last,   ///< Keras: NHWC data, HWIO kernel
  channels_first,  ///< PyTorch: NCHW data, OIHW weight
};

/// Zero (or, for max pooling, -infinity) padding on the two sides of one spatial axis.
struct AxisPadding {
  std::int64_t before = 0;  ///< top / left
  std::int64_t after = 0;   ///< bottom / right
};

/// A size or stride along the two spatial axes (height, width). 1-D ops use only `w`.
struct Extent2d {
  std::int64_t h = 1;  ///< along the height
  std::int64_t w = 1;  ///< along the width
};

/// Padding along the two spatial axes.
struct Padding2d {
  AxisPadding h;  ///< top and bottom
  AxisPadding w;  ///< left and right
};

/// TensorFlow's 'same' padding for one axis (tensorflow/python/ops/nn_ops.py, and
/// GetWindowedOutputSize in tensorflow/core/framework/kernel_shape_util.cc): the output has
/// ceil(in / stride) positions; the total padding max((out - 1) stride + kernel - in, 0) is
/// split with the odd pixel AFTER (bottom/right). PyTorch's padding='same' (stride 1 only,
/// aten's _convolution_mode in Convolution.cpp) pads kernel - 1 in total with the odd pixel on
/// the same side, so this one helper serves both.
AxisPadding same_padding(std::int64_t in, std::int64_t kernel, std::int64_t stride);

/// The number of output positions along one axis: (in + before + after - kernel) / stride + 1.
/// Throws naming `op` when the kernel is larger than the padded input or the stride is not
/// positive.
std::int64_t window_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride, AxisPadding pad,
                                const char* op, const char* axis);

/// 2-D convolution (cross-correlation, as both frameworks compute it).
/// x: [N, H, W, C] | [N, C, H, W]; kernel: [KH, KW, C, O] | [O, C, KH, KW]; bias: [O] or
/// undefined -> [N, OH, OW, O] | [N, O, OH, OW], OH = (H + pad - KH) / stride_h + 1.
/// backward: im2col(x) = X [N*OH*OW, K]; Y = X W; dW = X^T dY, dX = col2im(dY W^T), db = sums of dY.
template <typename T>
BasicTensor<T> conv2d(const BasicTensor<T>& x, const BasicTensor<T>& kernel, const BasicTensor<T>& bias,
                      Extent2d stride, Padding2d padding, ChannelLayout layout);

/// 1-D convolution: x [N, L, C] | [N, C, L]; kernel [K, C, O] | [O, C, K]; bias [O] or undefined
/// -> [N, OL, O] | [N, O, OL]. The 2-D op on a height of 1.
template <typename T>
BasicTensor<T> conv1d(const BasicTensor<T>& x, const BasicTensor<T>& kernel, const BasicTensor<T>& bias,
                      std::int64_t stride, AxisPadding padding, ChannelLayout layout);

/// Moves the channel axis of a rank-3 or rank-4 tensor: [N, H, W, C] -> [N, C, H, W] (and
/// [N, L, C] -> [N, C, L]). Differentiable (the gradient is permuted back).
template <typename T>
BasicTensor<T> to_channels_first(const BasicTensor<T>& x);
/// The inverse: [N, C, H, W] -> [N, H, W, C], [N, C, L] -> [N, L, C].
template <typename T>
BasicTensor<T> to_channels_last(const BasicTensor<T>& x);

}  // namespace duet
