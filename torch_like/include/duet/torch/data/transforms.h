/// @file
/// torch::data::transforms (torch/data/transforms/*.h): `Normalize<>(mean, stddev)` maps each
/// example's data to (data - mean) / stddev, `Stack<>()` turns a batch of examples into one
/// example of stacked tensors, and `Lambda` applies a function to each example.
#pragma once

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"
#include "duet/torch/data/example.h"

namespace duet::torch::data::transforms {

/// Maps a whole batch to another batch.
template <typename InputBatch, typename OutputBatch>
class BatchTransform {
 public:
  using InputBatchType = InputBatch;
  using OutputBatchType = OutputBatch;
  virtual ~BatchTransform() = default;
  /// The transformed batch.
  virtual OutputBatch apply_batch(InputBatch input_batch) = 0;
};

/// Maps each example of a batch on its own.
template <typename Input, typename Output>
class Transform : public BatchTransform<std::vector<Input>, std::vector<Output>> {
 public:
  using InputType = Input;
  using OutputType = Output;
  /// The transformed example.
  virtual Output apply(Input input) = 0;

  std::vector<Output> apply_batch(std::vector<Input> input_batch) override {
    std::vector<Output> out;
    out.reserve(input_batch.size());
    for (auto& input : input_batch) out.push_back(apply(std::move(input)));
    return out;
  }
};

/// Applies a function to each example.
template <typename Input, typename Output = Input>
class Lambda : public Transform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit Lambda(FunctionType function) : function_(std::move(function)) {}
  Output apply(Input input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

/// Maps the data tensor of each example and keeps its target.
template <typename Target = Tensor>
class TensorTransform : public Transform<Example<Tensor, Target>, Example<Tensor, Target>> {
 public:
  /// The transformed data tensor.
  virtual Tensor operator()(Tensor input) = 0;
  Example<Tensor, Target> apply(Example<Tensor, Target> input) override {
    input.data = (*this)(std::move(input.data));
    return input;
  }
};

/// (data - mean) / stddev, per channel: with one value each, for every element; with C values,
/// for data of C channels ([C, ...], the values broadcast over the other dims), as libtorch's
/// Normalize. A zero stddev is an error.
template <typename Target = Tensor>
class Normalize : public TensorTransform<Target> {
 public:
  Normalize(double mean_value, double stddev_value)
      : Normalize(std::vector<double>{mean_value}, std::vector<double>{stddev_value}) {}
  Normalize(const std::vector<double>& mean_values, const std::vector<double>& stddev_values);
  Tensor operator()(Tensor input) override;

  Tensor mean;    ///< [C, 1, 1]
  Tensor stddev;  ///< [C, 1, 1]
};

/// Declared here, defined once in the library for Example<> targets.
template <>
Normalize<Tensor>::Normalize(const std::vector<double>& mean_values, const std::vector<double>& stddev_values);
template <>
Tensor Normalize<Tensor>::operator()(Tensor input);

/// Collates a batch of examples into one example: the data tensors stacked along a new first
/// dim, and the targets likewise.
template <typename T = Example<>>
struct Stack;

template <>
struct Stack<Example<>> : public BatchTransform<std::vector<Example<>>, Example<>> {
  Example<> apply_batch(std::vector<Example<>> examples) override;
};

}  // namespace duet::torch::data::transforms
