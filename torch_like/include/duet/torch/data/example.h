/// @file
/// torch::data::Example: one sample (or one stacked batch) as a data tensor and a target tensor,
/// read as `batch.data` and `batch.target` (torch/data/example.h).
#pragma once

#include <utility>

#include "duet/core/tensor.h"

namespace duet::torch::data {

/// A data value and its target; `Example<>` holds two tensors.
template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;

  Example() = default;
  Example(Data data_value, Target target_value) : data(std::move(data_value)), target(std::move(target_value)) {}

  Data data;      ///< the input
  Target target;  ///< what the model should output for it
};

}  // namespace duet::torch::data
