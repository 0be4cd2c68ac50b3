// Initialisers: bounds from the papers' formulas, reproducibility from a seed.
#include <gtest/gtest.h>

#include <cmath>

#include "duet/core/init.h"

namespace duet {
namespace {

TEST(Random, SameSeedSameNumbers) {
  Generator a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const float va = a.uniform(-1, 1);
    EXPECT_EQ(va, b.uniform(-1, 1));
    EXPECT_GE(va, -1.0f);
    EXPECT_LT(va, 1.0f);
  }
  EXPECT_NE(Generator(42).next_u32(), c.next_u32());
}

TEST(Random, Mt19937ReferenceValue) {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937 at 4123659995; seed
  // 5489 is that default, so this pins the engine (and hence every seeded draw) across machines.
  Generator g(5489);
  std::uint32_t v = 0;
  for (int i = 0; i < 10000; ++i) v = g.next_u32();
  EXPECT_EQ(v, 4123659995u);
}

TEST(Random, PermutationIsAPermutation) {
  Generator g(3);
  auto p = g.permutation(50);
  std::sort(p.begin(), p.end());
  for (std::int64_t i = 0; i < 50; ++i) EXPECT_EQ(p[static_cast<std::size_t>(i)], i);
}

TEST(Init, GlorotUniformBound) {
  Generator g(0);
  const Tensor k = init::glorot_uniform({30, 20}, {30, 20}, g);
  const float limit = std::sqrt(6.0f / 50.0f);
  EXPECT_LE(k.data().abs().maxCoeff(), limit);
  EXPECT_GT(k.data().abs().maxCoeff(), 0.9f * limit);  // 600 draws reach near the edge
}

TEST(Init, KaimingUniformWithSqrt5IsOneOverSqrtFanIn) {
  Generator g(0);
  const Tensor w = init::kaiming_uniform({40, 16}, 16, std::sqrt(5.0f), g);
  EXPECT_LE(w.data().abs().maxCoeff(), 0.25f + 1e-6f);
  EXPECT_GT(w.data().abs().maxCoeff(), 0.24f);
}

// keras/src/initializers/random_initializers.py (VarianceScaling): uniform limits sqrt(3 scale / n)
// and truncated-normal spreads sqrt(scale / n), where he: scale 2, n = fan_in; lecun: scale 1,
// n = fan_in; glorot: scale 1, n = (fan_in + fan_out) / 2. The truncated draws are divided by
// 0.8796 so that their standard deviation is the intended one.
TEST(Init, KerasVarianceScalingBoundsAndSpreads) {
  Generator g(4);
  const init::Fans fans{50, 30};
  const Shape many{20000};
  const auto max_abs = [](const Tensor& t) { return t.data().abs().maxCoeff(); };
  const auto stddev = [](const Tensor& t) {
    const auto d = t.data().cast<double>();
    return std::sqrt((d - d.mean()).square().mean());
  };
  const float he_limit = std::sqrt(6.0f / 50), lecun_limit = std::sqrt(3.0f / 50);
  EXPECT_LE(max_abs(init::he_uniform(many, fans, g)), he_limit);
  EXPECT_GT(max_abs(init::he_uniform(many, fans, g)), 0.999f * he_limit);
  EXPECT_LE(max_abs(init::lecun_uniform(many, fans, g)), lecun_limit);
  EXPECT_GT(max_abs(init::lecun_uniform(many, fans, g)), 0.999f * lecun_limit);
  // 20000 draws: the sample standard deviation is within ~1% of the true one.
  EXPECT_NEAR(stddev(init::glorot_normal_truncated(many, fans, g)), std::sqrt(2.0 / 80), 0.03 * std::sqrt(2.0 / 80));
  EXPECT_NEAR(stddev(init::he_normal(many, fans, g)), std::sqrt(2.0 / 50), 0.03 * std::sqrt(2.0 / 50));
  EXPECT_NEAR(stddev(init::lecun_normal(many, fans, g)), std::sqrt(1.0 / 50), 0.03 * std::sqrt(1.0 / 50));
}

TEST(Init, TruncatedNormalStaysWithinTwoStddev) {
  Generator g(1);
  const Tensor t = init::truncated_normal({1000}, 0.0f, 0.5f, g);
  EXPECT_LE(t.data().abs().maxCoeff(), 1.0f);
  const float mean = t.data().mean();
  EXPECT_NEAR(mean, 0.0f, 0.05f);  // 1000 draws: standard error ~0.5*0.88/sqrt(1000) = 0.014
}

TEST(Init, NormalHasTheRequestedMoments) {
  Generator g(2);
  const Tensor t = init::normal({20000}, 1.0f, 2.0f, g);
  const double mean = t.data().cast<double>().mean();
  const double var = (t.data().cast<double>() - mean).square().mean();
  EXPECT_NEAR(mean, 1.0, 0.05);  // standard error 2 / sqrt(20000) = 0.014
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.05);
}

}  // namespace
}  // namespace duet
