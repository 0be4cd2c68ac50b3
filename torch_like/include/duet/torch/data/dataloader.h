/// @file
/// torch::data::make_data_loader and DataLoaderOptions (torch/data/dataloader.h,
/// dataloader_options.h):
///   auto loader = torch::data::make_data_loader<torch::data::samplers::SequentialSampler>(
///       std::move(dataset), torch::data::DataLoaderOptions().batch_size(64).workers(2));
///   for (auto& batch : *loader) { batch.data ... batch.target ... }
/// The loader owns its dataset and sampler; each pass (each begin()) resets the sampler, so a
/// RandomSampler shuffles anew every epoch. Batches are made in the calling thread: `workers`
/// and `max_jobs` are accepted for source compatibility and change nothing but speed in libtorch,
/// so the batches are the same (in libtorch's enforce_ordering order).
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "duet/core/error.h"
#include "duet/torch/arg.h"
#include "duet/torch/data/samplers.h"

namespace duet::torch::data {

/// libtorch's data loader options, with its defaults and builder setters.
struct DataLoaderOptions {
  DataLoaderOptions() = default;
  /* implicit */ DataLoaderOptions(std::size_t batch_size) : batch_size_(batch_size) {}
  /// Examples per batch.
  DUET_TORCH_ARG(std::size_t, batch_size) = 1;
  /// Worker threads in libtorch; Duet loads in the calling thread (same batches).
  DUET_TORCH_ARG(std::size_t, workers) = 0;
  /// Batches prepared ahead in libtorch; no effect in Duet.
  DUET_TORCH_ARG(std::optional<std::size_t>, max_jobs);
  /// How long libtorch waits for a batch; no effect in Duet (it never waits).
  DUET_TORCH_ARG(std::optional<std::chrono::milliseconds>, timeout);
  /// Batches in sampler order (always true in Duet).
  DUET_TORCH_ARG(bool, enforce_ordering) = true;
  /// Drop a last batch smaller than batch_size.
  DUET_TORCH_ARG(bool, drop_last) = false;
};

/// A data loader over a dataset with random-access batches (libtorch's StatelessDataLoader).
template <typename Dataset, typename Sampler>
class StatelessDataLoader {
 public:
  using BatchType = typename Dataset::BatchType;

  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : dataset_(std::move(dataset)), sampler_(std::move(sampler)), options_(std::move(options)) {
    if (options_.batch_size() == 0) {
      throw Error("make_data_loader: DataLoaderOptions().batch_size() must be at least 1, got 0");
    }
  }
  StatelessDataLoader(const StatelessDataLoader&) = delete;
  StatelessDataLoader& operator=(const StatelessDataLoader&) = delete;

  /// Input iterator over the batches of one pass; the loader must outlive it.
  class Iterator {
   public:
    Iterator() = default;  ///< the end
    explicit Iterator(StatelessDataLoader* loader) : loader_(loader) { advance(); }
    BatchType& operator*() { return *batch_; }
    BatchType* operator->() { return &*batch_; }
    Iterator& operator++() {
      advance();
      return *this;
    }
    bool operator==(const Iterator& other) const { return !batch_ && !other.batch_; }
    bool operator!=(const Iterator& other) const { return !(*this == other); }

   private:
    void advance() {
      batch_ = loader_->next();
      if (!batch_) loader_ = nullptr;
    }
    StatelessDataLoader* loader_ = nullptr;
    std::optional<BatchType> batch_;
  };

  /// Starts a new pass: resets the sampler (a RandomSampler draws a new order).
  Iterator begin() {
    sampler_.reset();
    return Iterator(this);
  }
  Iterator end() { return Iterator(); }

  const DataLoaderOptions& options() const noexcept { return options_; }

 private:
  std::optional<BatchType> next() {
    auto indices = sampler_.next(options_.batch_size());
    if (!indices || indices->empty()) return std::nullopt;
    if (options_.drop_last() && indices->size() < options_.batch_size()) return std::nullopt;
    return dataset_.get_batch(std::move(*indices));
  }

  Dataset dataset_;
  Sampler sampler_;
  DataLoaderOptions options_;
};

/// A loader over `dataset` drawing indices from `sampler` (a samplers::Sampler, so that
/// `make_data_loader(dataset, 64)` means a batch size).
template <typename Dataset, typename Sampler>
  requires std::derived_from<Sampler, samplers::Sampler>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset, Sampler sampler,
                                                                        DataLoaderOptions options = DataLoaderOptions()) {
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(std::move(dataset), std::move(sampler),
                                                                 std::move(options));
}

/// A loader over `dataset` with a `Sampler` of its size (a RandomSampler unless named):
/// `make_data_loader<samplers::SequentialSampler>(std::move(dataset), 64)`. The dataset must be
/// sized.
template <typename Sampler = samplers::RandomSampler, typename Dataset>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset,
                                                                        DataLoaderOptions options = DataLoaderOptions()) {
  const std::optional<std::size_t> size = dataset.size();
  // torch/data/dataloader.h: "Expected the dataset to be sized in order to construct the Sampler".
  if (!size) throw Error("make_data_loader: expected the dataset to be sized in order to construct the Sampler");
  Sampler sampler(static_cast<std::int64_t>(*size));
  return make_data_loader(std::move(dataset), std::move(sampler), std::move(options));
}

}  // namespace duet::torch::data
