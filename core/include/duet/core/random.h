/// @file
/// A seeded random generator whose numbers are the same on every run, compiler and machine.
///
/// It is the 32-bit Mersenne Twister (std::mt19937 is specified bit for bit by the standard) and
/// turns its output into floats with PyTorch's CPU formula: uniform = (bits & (2^24 - 1)) * 2^-24,
/// scaled to [low, high). The standard library's distributions are avoided on purpose: their
/// algorithms differ between implementations.
#pragma once

#include <cstdint>
#include <random>

namespace duet {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) { manual_seed(seed); }

  /// Like torch.manual_seed: restart the sequence from `seed`.
  void manual_seed(std::uint64_t seed) { engine_.seed(static_cast<std::uint32_t>(seed)); }
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(engine_()); }
  /// Uniform in [low, high), 24 random bits (one float mantissa) per draw.
  float uniform(float low, float high);
  /// Standard normal by Box-Muller (two uniform draws per value; no cached second value, so
  /// the sequence depends only on how many values were drawn).
  double normal();
  /// A uniformly random permutation of 0..n-1 (Fisher-Yates from the end).
  std::vector<std::int64_t> permutation(std::int64_t n);

 private:
  std::mt19937 engine_;
};

/// The process-wide generator behind draws that name none (x.uniform_(), x.normal_()). PyTorch's
/// front-end uses it as its default generator (torch::manual_seed reseeds it). It starts from a
/// random seed, as Python's PyTorch does.
Generator& default_generator();
/// Reseeds default_generator() with `seed` and remembers the seed.
void seed_default_generator(std::uint64_t seed);
/// The seed default_generator() was last seeded with (torch.initial_seed()).
std::uint64_t default_generator_seed();

}  // namespace duet
