/// @file
/// Max and average pooling in one and two spatial dimensions, and global pooling, in either
/// channel layout (see conv.h for the layouts and the padding helpers).
#pragma once

#include <cstdint>

#include "duet/core/conv.h"
#include "duet/core/tensor.h"

namespace duet {

/// What an average-pooling window divides by when it overlaps the padding.
enum class AvgDivisor {
  /// The whole window, padded cells counted as zeros: PyTorch's AvgPool with
  /// count_include_pad=True, its default (aten/src/ATen/native/cpu/AvgPoolKernel.cpp).
  window,
  /// Only the input cells inside the window: TensorFlow's 'same' average pooling
  /// (tensorflow/core/kernels/avgpooling_op.cc) and PyTorch's count_include_pad=False.
  valid,
};

/// 2-D max pooling: x [N, H, W, C] | [N, C, H, W] -> [N, OH, OW, C] | [N, C, OH, OW]; padded cells
/// never win. backward: each output's gradient goes to the FIRST maximum of its window in
/// row-major order, in both frameworks: PyTorch's max_pool2d_with_indices keeps the first index
/// (`val > maxval`, aten/src/ATen/native/cpu/MaxPoolKernel.cpp) and TensorFlow's CPU MaxPoolGrad
/// and tfjs' maxPoolBackprop route to the first argmax likewise.
template <typename T>
BasicTensor<T> max_pool2d(const BasicTensor<T>& x, Extent2d kernel, Extent2d stride, Padding2d padding,
                          ChannelLayout layout);
/// 2-D average pooling, dividing as `divisor` says; shapes as max_pool2d.
template <typename T>
BasicTensor<T> avg_pool2d(const BasicTensor<T>& x, Extent2d kernel, Extent2d stride, Padding2d padding,
                          ChannelLayout layout, AvgDivisor divisor);

/// 1-D pooling: x [N, L, C] | [N, C, L] -> [N, OL, C] | [N, C, OL] (the 2-D ops on a height of 1).
template <typename T>
BasicTensor<T> max_pool1d(const BasicTensor<T>& x, std::int64_t kernel, std::int64_t stride, AxisPadding padding,
                          ChannelLayout layout);
/// 1-D average pooling; see avg_pool2d.
template <typename T>
BasicTensor<T> avg_pool1d(const BasicTensor<T>& x, std::int64_t kernel, std::int64_t stride, AxisPadding padding,
                          ChannelLayout layout, AvgDivisor divisor);

/// The mean over every spatial position of a rank-3 or rank-4 tensor: [N, (H,) W, C] |
/// [N, C, (H,) W] -> [N, C], or with `keepdims` the input's rank with spatial sizes 1 (Keras'
/// keepdims=True, PyTorch's AdaptiveAvgPool2d(1)). Composed of reshape and mean.
template <typename T>
BasicTensor<T> global_avg_pool(const BasicTensor<T>& x, ChannelLayout layout, bool keepdims = false);
/// The maximum over every spatial position; the gradient goes to the first maximum. Shapes as
/// global_avg_pool.
template <typename T>
BasicTensor<T> global_max_pool(const BasicTensor<T>& x, ChannelLayout layout, bool keepdims = false);

}  // namespace duet
