// The index orders of torch::data's samplers (torch/csrc/api/src/data/samplers/*.cpp).
#include "duet/torch/data/samplers.h"

#include <fmt/format.h>

#include <algorithm>

#include "duet/core/error.h"
#include "duet/torch/tensor.h"

namespace duet::torch::data::samplers {

namespace {
// Up to `batch_size` indices from position `index` of `count`, advancing `index`.
template <typename IndexAt>
std::optional<std::vector<std::size_t>> take(std::size_t& index, std::size_t count, std::size_t batch_size,
                                             IndexAt index_at) {
  if (index >= count) return std::nullopt;
  const std::size_t n = std::min(batch_size, count - index);
  std::vector<std::size_t> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(index_at(index + i));
  index += n;
  return out;
}
}  // namespace

void SequentialSampler::reset(std::optional<std::size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<std::size_t>> SequentialSampler::next(std::size_t batch_size) {
  return take(index_, size_, batch_size, [](std::size_t i) { return i; });
}

RandomSampler::RandomSampler(std::int64_t size) {
  if (size < 0) throw Error(fmt::format("RandomSampler: the dataset size must not be negative, got {}", size));
  indices_.resize(static_cast<std::size_t>(size));
  reset();
}

void RandomSampler::reset(std::optional<std::size_t> new_size) {
  const std::size_t size = new_size.value_or(indices_.size());
  // As libtorch's torch::randperm(size) from the default generator (torch::manual_seed).
  const auto order = default_generator().permutation(static_cast<std::int64_t>(size));
  indices_.assign(order.begin(), order.end());
  index_ = 0;
}

std::optional<std::vector<std::size_t>> RandomSampler::next(std::size_t batch_size) {
  return take(index_, indices_.size(), batch_size, [this](std::size_t i) { return indices_[i]; });
}

}  // namespace duet::torch::data::samplers
