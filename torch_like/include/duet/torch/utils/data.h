/// @file
/// torch.utils.data: TensorDataset and a DataLoader yielding (x, y) mini-batches.
///   for (const auto& [xb, yb] : DataLoader(dataset, {.batch_size = 4, .shuffle = true})) ...
/// A shuffled loader draws a new order from the default generator (torch::manual_seed) each
/// time iteration starts, i.e. once per epoch, as PyTorch's RandomSampler does.
///
/// Ownership: a DataLoader keeps its own TensorDataset (two tensor handles, so copying it is
/// cheap and shares the values), so `DataLoader(TensorDataset(x, y), {...})` is safe. An iterator
/// refers to its loader: keep the loader alive while iterating (as a range-for does).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::torch::utils::data {

class TensorDataset {
 public:
  TensorDataset(Tensor x, Tensor y);
  std::int64_t size() const { return x_.shape()[0]; }
  const Tensor& x() const { return x_; }
  const Tensor& y() const { return y_; }

 private:
  Tensor x_, y_;
};

struct DataLoaderOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  bool drop_last = false;
};

struct Batch {
  Tensor x, y;
};

class DataLoader {
 public:
  /// The loader keeps its own copy of the dataset (two tensor handles sharing the values), so
  /// `DataLoader(TensorDataset(x, y), {...})` is safe.
  DataLoader(TensorDataset dataset, DataLoaderOptions options = {});

  class Iterator {
   public:
    Iterator(const DataLoader* loader, std::vector<std::int64_t> order, std::int64_t position);
    Batch operator*() const;
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return position_ != other.position_; }

   private:
    const DataLoader* loader_;
    std::vector<std::int64_t> order_;  ///< empty: in order
    std::int64_t position_;
  };

  Iterator begin() const;
  Iterator end() const;
  /// Number of batches per epoch (len(loader)).
  std::int64_t size() const;

 private:
  std::int64_t usable_rows() const;

  TensorDataset dataset_;  ///< a copy of the handles: the loader may outlive the dataset object it was given
  DataLoaderOptions options_;
};

}  // namespace duet::torch::utils::data
