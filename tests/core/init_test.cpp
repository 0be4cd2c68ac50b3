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
