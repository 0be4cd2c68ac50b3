#include "duet/torch/tensor.h"

namespace duet::torch {

namespace {
// c10/core/GeneratorImpl.h: default_rng_seed_val.
constexpr std::uint64_t kPyTorchDefaultSeed = 67280421310721ULL;
}  // namespace

Tensor tensor(std::initializer_list<std::initializer_list<float>> rows) { return Tensor::from_rows(rows); }
Tensor tensor(const std::vector<std::vector<float>>& rows) { return Tensor::from_rows(rows); }

Generator& default_generator() {
  static Generator generator(kPyTorchDefaultSeed);
  return generator;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace duet::torch
