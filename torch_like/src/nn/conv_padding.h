// Internal: PyTorch's padding forms (sizes on both sides, 'valid', 'same') as per-axis amounts.
#pragma once

#include <fmt/format.h>

#include <array>

#include "duet/core/conv.h"
#include "duet/core/error.h"
#include "duet/torch/nn/conv.h"

namespace duet::torch::nn::detail {

// Padding per spatial axis for a weight [out, in, kernel...] on input [N, C, spatial...].
template <std::size_t D>
std::array<AxisPadding, D> conv_padding(const conv_padding_t<D>& padding, const ExpandingArray<D>& stride,
                                        const Shape& input, const Shape& weight, const char* op) {
  std::array<AxisPadding, D> pads{};
  if (const auto* sizes = std::get_if<ExpandingArray<D>>(&padding)) {
    // An int pads both sides equally (aten's convolution): never an odd pixel.
    for (std::size_t i = 0; i < D; ++i) pads[i] = {(*sizes)[i], (*sizes)[i]};
  } else if (std::holds_alternative<enumtype::kSame>(padding)) {
    if (!stride.all_equal(1)) {
      throw Error(fmt::format("{}: padding='same' is not supported for strided convolutions (stride={}); PyTorch "
                              "pads 'same' only with stride 1",
                              op, stride.tuple_str()));
    }
    // aten's _convolution_mode (Convolution.cpp): total kernel - 1, the odd pixel after, as TensorFlow.
    for (std::size_t i = 0; i < D; ++i) {
      const int axis = static_cast<int>(i) + 2;
      pads[i] = same_padding(input[axis], weight[axis], 1);
    }
  }
  return pads;  // kValid: none
}

}  // namespace duet::torch::nn::detail
