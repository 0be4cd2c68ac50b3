// The article's claim, tested: from identical starting weights, PyTorch with reduction='mean'
// and Keras with mse train to the same weights, and PyTorch with reduction='sum' equals Keras
// with a 6x learning rate. Both front-ends are used as their users would use them.
#include <gtest/gtest.h>

#include "duet/keras.h"
#include "duet/torch.h"
#include "support/tensor_checks.h"

namespace duet {
namespace {

using test::kArticleXs;
using test::kArticleYs;
constexpr float kKernel = 0.5f, kBias = 0.1f;

struct Weights {
  float w, b;
};

Weights train_keras(float learning_rate) {
  keras::Sequential model({keras::layers::Dense(1, {.input_shape = {1}})});
  model.set_weights({Tensor::from_rows({{kKernel}}), Tensor::from_data({1}, {kBias})});
  model.compile(keras::optimizers::SGD({.learning_rate = learning_rate}), "mean_squared_error");
  model.fit(kArticleXs, kArticleYs, {.epochs = 500, .shuffle = false, .verbose = 0});
  const auto w = model.get_weights();
  return {w[0].item(), w[1].item()};
}

Weights train_torch(const std::string& reduction, float lr) {
  torch::nn::Linear linear(1, 1);
  linear->weight.mutable_data().setConstant(kKernel);
  linear->bias.mutable_data().setConstant(kBias);
  torch::nn::MSELoss criterion(reduction);
  torch::optim::SGD optimizer(linear->parameters(), {.lr = lr});
  for (int epoch = 0; epoch < 500; ++epoch) {
    Tensor loss = criterion(linear(kArticleXs), kArticleYs);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  return {linear->weight.item(), linear->bias.item()};
}

// Both sides run the same float32 arithmetic in the same order (one Eigen product, one
// reduction), so the trajectories agree to a few ulps; 1e-6 on values near 2 is ~16 ulps.
constexpr float kFloat32Agreement = 1e-6f;

TEST(Equivalence, TorchMeanEqualsKerasMse) {
  const Weights k = train_keras(0.01f), t = train_torch("mean", 0.01f);
  EXPECT_NEAR(k.w, t.w, kFloat32Agreement);
  EXPECT_NEAR(k.b, t.b, kFloat32Agreement);
}

TEST(Equivalence, TorchSumEqualsKerasWithSixTimesTheLearningRate) {
  // Scaling by 6 before vs after the sum rounds differently, so allow a few more ulps.
  const Weights k = train_keras(0.06f), t = train_torch("sum", 0.01f);
  EXPECT_NEAR(k.w, t.w, 1e-5f);
  EXPECT_NEAR(k.b, t.b, 1e-5f);
  EXPECT_NEAR(t.w, 2.0f, 1e-4f);
}

TEST(Equivalence, TheArticlesGapIsTheReduction) {
  // Same start, same lr: the sum side is closer to the exact line only because it stepped 6x further.
  const Weights k = train_keras(0.01f), t = train_torch("sum", 0.01f);
  const float keras_pred = 10 * k.w + k.b, torch_pred = 10 * t.w + t.b;
  EXPECT_GT(std::abs(19.0f - keras_pred), 100 * std::abs(19.0f - torch_pred));
}

}  // namespace
}  // namespace duet
