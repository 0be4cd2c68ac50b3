#include "duet/torch/utils/data.h"

#include <fmt/format.h>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/torch/tensor.h"

namespace duet::torch::utils::data {

TensorDataset::TensorDataset(Tensor x, Tensor y) : x_(std::move(x)), y_(std::move(y)) {
  if (x_.rank() < 1 || y_.rank() < 1 || x_.shape()[0] != y_.shape()[0]) {
    throw Error(fmt::format("TensorDataset: Size mismatch between tensors: x {} and y {} need the same first dimension",
                            x_.shape().str(), y_.shape().str()));
  }
  require_finite(x_, "TensorDataset: x");
  require_finite(y_, "TensorDataset: y");
}

DataLoader::DataLoader(TensorDataset dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  if (options.batch_size <= 0) {
    throw Error(fmt::format("DataLoader: batch_size should be a positive integer value, but got batch_size={}",
                            options.batch_size));
  }
}

std::int64_t DataLoader::usable_rows() const {
  const std::int64_t n = dataset_.size();
  return options_.drop_last ? n - n % options_.batch_size : n;
}

std::int64_t DataLoader::size() const {
  const std::int64_t n = usable_rows();
  return (n + options_.batch_size - 1) / options_.batch_size;
}

DataLoader::Iterator DataLoader::begin() const {
  std::vector<std::int64_t> order;
  if (options_.shuffle) order = default_generator().permutation(dataset_.size());
  return Iterator(this, std::move(order), 0);
}

DataLoader::Iterator DataLoader::end() const { return Iterator(this, {}, size()); }

DataLoader::Iterator::Iterator(const DataLoader* loader, std::vector<std::int64_t> order, std::int64_t position)
    : loader_(loader), order_(std::move(order)), position_(position) {}

Batch DataLoader::Iterator::operator*() const {
  const std::int64_t bs = loader_->options_.batch_size;
  const std::int64_t begin = position_ * bs;
  const std::int64_t end = std::min(begin + bs, loader_->usable_rows());
  const auto& ds = loader_->dataset_;
  if (order_.empty()) return {slice_rows(ds.x(), begin, end), slice_rows(ds.y(), begin, end)};
  const std::vector<std::int64_t> idx(order_.begin() + begin, order_.begin() + end);
  return {gather_rows(ds.x(), idx), gather_rows(ds.y(), idx)};
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++position_;
  return *this;
}

}  // namespace duet::torch::utils::data
