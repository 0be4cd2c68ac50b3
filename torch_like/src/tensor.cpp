#include "duet/torch/tensor.h"

#include <random>

namespace duet::torch {

namespace {
// Python's `import torch` seeds the default CPU generator from the system's entropy (a fresh
// process reports a new torch.initial_seed() each run), so unseeded programs differ run to run.
std::uint64_t entropy_seed() {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) | rd();
}
std::uint64_t g_initial_seed = entropy_seed();
}  // namespace

Tensor tensor(std::initializer_list<std::initializer_list<float>> rows) { return Tensor::from_rows(rows); }
Tensor tensor(const std::vector<std::vector<float>>& rows) { return Tensor::from_rows(rows); }

Generator& default_generator() {
  static Generator generator(g_initial_seed);
  return generator;
}

void manual_seed(std::uint64_t seed) {
  g_initial_seed = seed;
  default_generator().manual_seed(seed);
}

std::uint64_t initial_seed() { return g_initial_seed; }

}  // namespace duet::torch
