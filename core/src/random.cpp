#include "duet/core/random.h"

#include <cmath>
#include <numbers>

namespace duet {

float Generator::uniform(float low, float high) {
  // PyTorch CPU, aten/src/ATen/core/TransformationHelper.h uniform_real: 24 bits for float.
  constexpr std::uint32_t kMask = (1u << 24) - 1;
  const float x = static_cast<float>(next_u32() & kMask) * (1.0f / static_cast<float>(1u << 24));
  return x * (high - low) + low;
}

double Generator::normal() {
  // Box-Muller on two 53-bit uniforms; u1 is moved into (0, 1] so log never sees 0.
  auto u53 = [this] {
    const std::uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;
    return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
  };
  const double u1 = 1.0 - u53();
  const double u2 = u53();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::vector<std::int64_t> Generator::permutation(std::int64_t n) {
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) p[static_cast<std::size_t>(i)] = i;
  for (std::int64_t i = n - 1; i > 0; --i) {
    // Unbiased bounded draw by rejection (Lemire's method is not needed at these sizes).
    const std::uint64_t bound = static_cast<std::uint64_t>(i) + 1;
    const std::uint64_t limit = (std::uint64_t{1} << 32) - ((std::uint64_t{1} << 32) % bound);
    std::uint64_t r;
    do r = next_u32(); while (r >= limit);
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(r % bound)]);
  }
  return p;
}

namespace {
// Python's `import torch` seeds the default CPU generator from the system's entropy (a fresh
// process reports a new torch.initial_seed() each run), so unseeded programs differ run to run.
std::uint64_t entropy_seed() {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) | rd();
}
std::uint64_t g_default_seed = entropy_seed();
}  // namespace

Generator& default_generator() {
  static Generator generator(g_default_seed);
  return generator;
}

void seed_default_generator(std::uint64_t seed) {
  g_default_seed = seed;
  default_generator().manual_seed(seed);
}

std::uint64_t default_generator_seed() { return g_default_seed; }

}  // namespace duet
