// Batch and layer normalisation: forward values and running statistics from PyTorch 1.13
// (float64) or worked by hand, both running-statistics rules, and the backward through the batch
// statistics against central finite differences in float64 for ranks 2, 3 and 4.
#include <gtest/gtest.h>

#include "duet/core/normalization.h"
#include "support/gradcheck.h"
#include "support/test_helpers.h"

namespace duet::test {
namespace {

using Rows = std::vector<std::vector<double>>;

// x = [[1, 2], [5, -2]]: per channel mean (3, 0), biased variance (4, 4), unbiased (8, 8).
Tensor64 two_by_two() { return Tensor64::from_data({2, 2}, std::vector<double>{1, 2, 5, -2}); }

// torch.nn.BatchNorm1d(2) in float64, training: [[-0.99999875, 0.99999875], [0.99999875, -0.99999875]]
// (eps = 1e-5 with variance 4: 2 / sqrt(4.00001)).
TEST(BatchNorm, TrainingNormalisesWithTheBiasedBatchVariance) {
  const auto moments = batch_normalize(two_by_two(), -1, 1e-5);
  const Rows expected{{-0.9999987500023438, 0.9999987500023437}, {0.9999987500023436, -0.9999987500023437}};
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c)
      EXPECT_NEAR(moments.normalized.data()[r * 2 + c], expected[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)],
                  1e-12);
  EXPECT_EQ(moments.count, 2);
  EXPECT_DOUBLE_EQ(moments.variance.data()[0], 4.0);
  EXPECT_DOUBLE_EQ(moments.mean.data()[0], 3.0);
}

// PyTorch: running_mean (0.3, 0.0), running_var 0.9 * 1 + 0.1 * 8 = 1.7 (torch.nn.BatchNorm1d(2)
// after one training batch, float64). Keras (m = 0.99, biased): 0.99 * 0 + 0.01 * 3 = 0.03 and
// 0.99 * 1 + 0.01 * 4 = 1.03.
TEST(BatchNorm, RunningStatisticsFollowEachFrameworksRule) {
  const auto moments = batch_normalize(two_by_two(), 1, 1e-5);
  Tensor64 mean = Tensor64::zeros({2}), var = Tensor64::ones({2});
  update_running_stats(mean, var, moments, {0.1, MomentumWeighs::new_value, RunningVariance::unbiased});
  EXPECT_NEAR(mean.data()[0], 0.3, 1e-15);
  EXPECT_NEAR(var.data()[0], 1.7, 1e-15);
  EXPECT_NEAR(var.data()[1], 1.7, 1e-15);
  Tensor64 moving_mean = Tensor64::zeros({2}), moving_var = Tensor64::ones({2});
  update_running_stats(moving_mean, moving_var, moments, {0.99, MomentumWeighs::old_value, RunningVariance::biased});
  EXPECT_NEAR(moving_mean.data()[0], 0.03, 1e-15);
  EXPECT_NEAR(moving_var.data()[0], 1.03, 1e-15);
}

// torch.nn.BatchNorm1d(2).eval() after that batch: (x - running_mean) / sqrt(running_var + 1e-5).
TEST(BatchNorm, InferenceUsesTheGivenStatistics) {
  const auto y = normalize_with(two_by_two(), Tensor64::from_data({2}, std::vector<double>{0.3, 0.0}),
                                Tensor64::from_data({2}, std::vector<double>{1.7, 1.7}), -1, 1e-5);
  const std::vector<double> expected{0.5368739131545602, 1.5339254661558865, 3.6047248454663334, -1.5339254661558865};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y.data()[i], expected[static_cast<std::size_t>(i)], 1e-12);
}

TEST(BatchNorm, BadInputIsOneClearError) {
  const auto one_row = batch_normalize(Tensor64::from_data({1, 2}, std::vector<double>{1, 2}), -1, 1e-3);
  Tensor64 m = Tensor64::zeros({2}), v = Tensor64::ones({2});
  EXPECT_NE(error_of([&] { update_running_stats(m, v, one_row, {}); }).find("more than 1 value per channel"),
            std::string::npos);
  // Keras' biased rule takes a single row (its variance is 0).
  update_running_stats(m, v, one_row, {0.99, MomentumWeighs::old_value, RunningVariance::biased});
  EXPECT_NE(error_of([&] { batch_normalize(two_by_two(), -1, -1e-3); }).find("epsilon must be"), std::string::npos);
  EXPECT_NE(error_of([&] { update_running_stats(m, v, one_row, {-0.1}); }).find("momentum must be"), std::string::npos);
  EXPECT_NE(error_of([&] { batch_normalize(Tensor64::zeros({3}), -1, 1e-3); }).find("rank 2, 3 or 4"),
            std::string::npos);
}

// Gradients through the batch statistics, channels last (Keras) and channels first (PyTorch).
TEST(BatchNorm, GradientsMatchFiniteDifferences) {
  Generator gen(31);
  for (const Shape& s : {Shape{4, 3}, Shape{3, 2, 2}, Shape{2, 2, 3, 2}}) {
    for (const int axis : {-1, 1}) {
      const auto x = random_tensor64(s, gen);
      expect_gradients_match([axis](const auto& xs) { return batch_normalize(xs[0], axis, 1e-3).normalized; }, {x},
                             "batch_norm " + s.str() + " channel axis " + std::to_string(axis));
      const auto channels = s[axis < 0 ? s.rank() - 1 : axis];
      const auto mean = random_tensor64({channels}, gen), var = random_tensor64({channels}, gen, 0.5, 2.0);
      expect_gradients_match([&](const auto& xs) { return normalize_with(xs[0], mean, var, axis, 1e-3); }, {x},
                             "batch_norm inference " + s.str());
    }
  }
}

// [1, 3] -> mean 2, variance 1: (-1, 1) / sqrt(1 + eps).
TEST(LayerNorm, NormalisesEachRowOverTheLastAxis) {
  const auto y = layer_normalize(Tensor64::from_data({2, 2}, std::vector<double>{1, 3, -4, 0}), 1e-3);
  const double r = 1 / std::sqrt(1.001), r4 = 2 / std::sqrt(4.001);
  EXPECT_NEAR(y.data()[0], -r, 1e-15);
  EXPECT_NEAR(y.data()[1], r, 1e-15);
  EXPECT_NEAR(y.data()[2], -r4, 1e-15);
}

TEST(LayerNorm, GradientsMatchFiniteDifferences) {
  Generator gen(37);
  for (const Shape& s : {Shape{3, 4}, Shape{2, 3, 2}, Shape{2, 1, 2, 3}}) {
    expect_gradients_match([](const auto& xs) { return layer_normalize(xs[0], 1e-5); }, {random_tensor64(s, gen)},
                           "layer_norm " + s.str());
  }
}

}  // namespace
}  // namespace duet::test
