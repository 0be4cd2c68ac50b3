/// @file
/// torch::data::datasets: the dataset classes libtorch's data pipeline is built from
/// (torch/data/datasets/base.h, map.h). A user dataset derives from `Dataset<Self>` and defines
/// `get(index)` and `size()`; `.map(transform)` wraps it in a `MapDataset` whose batches are the
/// transform's output, so `MNIST(root).map(Normalize<>(0.1307, 0.3081)).map(Stack<>())` yields
/// one stacked `Example<>` per batch.
///
/// Datasets are held by value (a MapDataset owns its source), as in libtorch; copying one copies
/// tensor handles, not values.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "duet/torch/data/example.h"

namespace duet::torch::data::datasets {

template <typename Source, typename AppliedTransform>
class MapDataset;

/// A dataset that answers a request (a list of indices) with a whole batch.
template <typename Self, typename Batch = std::vector<Example<>>, typename BatchRequest = std::vector<std::size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;

  virtual ~BatchDataset() = default;
  /// The batch for `request` (the indices of its examples).
  virtual Batch get_batch(BatchRequest request) = 0;
  /// The number of examples; an unsized dataset returns nullopt (and cannot be sampled).
  virtual std::optional<std::size_t> size() const = 0;

  /// This dataset with `transform` applied to each of its batches (a copy of this dataset).
  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) & {
    return MapDataset<Self, Transform>(static_cast<Self&>(*this), std::move(transform));
  }
  /// This dataset, moved, with `transform` applied to each of its batches.
  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) && {
    return MapDataset<Self, Transform>(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

/// A dataset of single examples: define `get(index)` and `size()`; a batch is the examples at
/// the requested indices, in order.
template <typename Self, typename SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;

  /// The example at `index`.
  virtual ExampleType get(std::size_t index) = 0;

  std::vector<ExampleType> get_batch(std::vector<std::size_t> indices) override {
    std::vector<ExampleType> batch;
    batch.reserve(indices.size());
    for (const auto index : indices) batch.push_back(get(index));
    return batch;
  }
};

/// `source` with `transform.apply_batch` applied to every batch it gives.
template <typename Source, typename AppliedTransform>
class MapDataset : public BatchDataset<MapDataset<Source, AppliedTransform>, typename AppliedTransform::OutputBatchType,
                                       typename Source::BatchRequestType> {
 public:
  using DatasetType = Source;
  using TransformType = AppliedTransform;
  using BatchType = typename AppliedTransform::OutputBatchType;
  using BatchRequestType = typename Source::BatchRequestType;

  MapDataset(Source source, AppliedTransform transform) : dataset_(std::move(source)), transform_(std::move(transform)) {}

  BatchType get_batch(BatchRequestType request) override {
    return transform_.apply_batch(dataset_.get_batch(std::move(request)));
  }
  std::optional<std::size_t> size() const override { return dataset_.size(); }

  /// The wrapped dataset and the transform.
  const Source& dataset() const noexcept { return dataset_; }
  const AppliedTransform& transform() const noexcept { return transform_; }

 private:
  Source dataset_;
  AppliedTransform transform_;
};

}  // namespace duet::torch::data::datasets
