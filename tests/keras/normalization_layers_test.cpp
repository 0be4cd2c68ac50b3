// keras_like: BatchNormalization and LayerNormalization with Keras 3's defaults (momentum 0.99 on
// the moving value, epsilon 1e-3, biased variance), training in fit and inference in predict,
// non-trainable moving statistics in summary(). Expected values: the normalisation from
// torch.nn.functional.batch_norm (eps = 1e-3, float64: the formula is the same in both
// frameworks), the moving statistics worked by hand from keras/src/layers/normalization/
// batch_normalization.py.
#include <gtest/gtest.h>

#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras {
namespace {

using test::error_of;

Tensor batch() { return Tensor::from_rows({{0.5f, -1.0f, 2.0f}, {1.5f, 0.0f, -2.0f}, {-0.5f, 3.0f, 1.0f}, {2.5f, 1.0f, 0.0f}}); }

void expect_rows(const Tensor& t, const std::vector<std::vector<float>>& expected, const std::string& what) {
  const auto rows = t.to_rows();
  ASSERT_EQ(rows.size(), expected.size()) << what;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c)
      EXPECT_NEAR(rows[r][c], expected[r][c], 2e-6f) << what << " [" << r << "][" << c << "]";
}

// Column 0 = (0.5, 1.5, -0.5, 2.5): mean 1, biased variance 1.25 -> moving_mean 0.99 * 0 + 0.01 * 1
// = 0.01, moving_variance 0.99 * 1 + 0.01 * 1.25 = 1.0025. Column 1: mean 0.75, variance 2.1875.
// (PyTorch's rule would give 0.1 and 0.9 + 0.1 * 5/3 = 1.0667.)
TEST(BatchNormalization, FitTrainsOnBatchStatisticsAndPredictUsesMovingOnes) {
  Sequential model({layers::BatchNormalization({.input_shape = {3}})});
  model.compile(optimizers::SGD({.learning_rate = 0.0f}), "mse");
  const Tensor x = batch();
  model.fit(x, Tensor::zeros({4, 3}), {.epochs = 1, .shuffle = false, .verbose = 0});
  const auto& bn = dynamic_cast<const layers::BatchNormalization&>(*model.layers()[0]);
  EXPECT_NEAR(bn.moving_mean.data()[0], 0.01f, 1e-7f);
  EXPECT_NEAR(bn.moving_mean.data()[1], 0.0075f, 1e-7f);
  EXPECT_NEAR(bn.moving_variance.data()[0], 1.0025f, 1e-6f);
  EXPECT_NEAR(bn.moving_variance.data()[1], 1.011875f, 1e-6f);
  // predict: (x - moving_mean) / sqrt(moving_variance + 1e-3).
  expect_rows(model.predict(x),
              {{0.4891447f, -1.0010762f, 1.9847639f},
               {1.4873993f, -0.0074522f, -1.9897321f},
               {-0.5091098f, 2.9734198f, 0.9911399f},
               {2.4856539f, 0.9861718f, -0.0024841f}},
              "predict in inference mode");
}

TEST(BatchNormalization, TrainingCallNormalisesWithTheBatch) {
  layers::BatchNormalization bn;
  Generator gen(0);
  bn.build({3}, gen);
  expect_rows(bn.call(batch(), true),
              {{-0.4470348f, -1.1829456f, 1.1829456f},
               {0.4470348f, -0.5069767f, -1.5209301f},
               {-1.3411045f, 1.5209301f, 0.5069767f},
               {1.3411045f, 0.1689922f, -0.1689922f}},
              "training call, epsilon 1e-3");
  // Keras takes one row in training (PyTorch raises "Expected more than 1 value per channel").
  EXPECT_EQ(error_of([&] { bn.call(Tensor::from_rows({{1, 2, 3}}), true); }), "(no error)");
}

TEST(BatchNormalization, WeightsAndSummaryCountMovingStatisticsAsNonTrainable) {
  Sequential model({layers::Dense(3, {.input_shape = {2}}), layers::BatchNormalization()});
  model.build(2);
  std::vector<std::string> names;
  for (const auto& w : model.layers()[1]->weights()) names.push_back(w.name);
  EXPECT_EQ(names, (std::vector<std::string>{"gamma", "beta", "moving_mean", "moving_variance"}));
  EXPECT_EQ(model.layers()[1]->trainable_weights().size(), 2u);
  const std::string summary = model.summary_text();
  EXPECT_NE(summary.find("Non-trainable params: 6 "), std::string::npos) << summary;
  EXPECT_NE(summary.find("Trainable params: 15 "), std::string::npos) << summary;
  EXPECT_NE(error_of([] { layers::BatchNormalization({.momentum = -0.5f}); }).find("momentum must be"),
            std::string::npos);
  EXPECT_NE(error_of([] { layers::BatchNormalization({.epsilon = -1e-3f}); }).find("epsilon must be"),
            std::string::npos);
}

// [1, 3]: mean 2, variance 1 -> (-1, 1) / sqrt(1 + 1e-3) (PyTorch's 1e-5 would give 0.999995).
TEST(LayerNormalization, NormalisesEachRowWithEpsilon1e3) {
  layers::LayerNormalization ln;
  Generator gen(0);
  ln.build({2}, gen);
  const Tensor y = ln.call(Tensor::from_rows({{1, 3}}), false);
  EXPECT_NEAR(y.data()[1], 0.9995004f, 1e-6f);
  std::vector<std::string> names;
  for (const auto& w : ln.weights()) names.push_back(w.name);
  EXPECT_EQ(names, (std::vector<std::string>{"gamma", "beta"}));
}

}  // namespace
}  // namespace duet::keras
