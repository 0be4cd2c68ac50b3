/// @file
/// torch::data::samplers (torch/data/samplers/*.h): the order in which a data loader asks its
/// dataset for examples. SequentialSampler gives 0, 1, 2, ...; RandomSampler a new permutation,
/// drawn from the default generator (torch::manual_seed), each time it is reset, i.e. at the
/// start of every pass over a data loader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace duet::torch::data::samplers {

/// Yields batches of indices until the dataset is exhausted.
class Sampler {
 public:
  using BatchRequestType = std::vector<std::size_t>;
  virtual ~Sampler() = default;
  /// Starts over (with a new dataset size, if given).
  virtual void reset(std::optional<std::size_t> new_size = std::nullopt) = 0;
  /// Up to `batch_size` further indices; nullopt once every index has been given.
  virtual std::optional<std::vector<std::size_t>> next(std::size_t batch_size) = 0;
};

/// 0, 1, ..., size - 1 in order.
class SequentialSampler : public Sampler {
 public:
  explicit SequentialSampler(std::size_t size) : size_(size) {}
  void reset(std::optional<std::size_t> new_size = std::nullopt) override;
  std::optional<std::vector<std::size_t>> next(std::size_t batch_size) override;
  /// How many indices have been given since the last reset.
  std::size_t index() const noexcept { return index_; }

 private:
  std::size_t size_;
  std::size_t index_ = 0;
};

/// A permutation of 0..size - 1 from the default generator, drawn anew by each reset (and at
/// construction).
class RandomSampler : public Sampler {
 public:
  explicit RandomSampler(std::int64_t size);
  void reset(std::optional<std::size_t> new_size = std::nullopt) override;
  std::optional<std::vector<std::size_t>> next(std::size_t batch_size) override;
  /// How many indices have been given since the last reset.
  std::size_t index() const noexcept { return index_; }

 private:
  std::vector<std::size_t> indices_;
  std::size_t index_ = 0;
};

}  // namespace duet::torch::data::samplers
