// torch_like: BatchNorm1d / BatchNorm2d / LayerNorm and the new activation modules against
// values printed by PyTorch 1.13 (float32), their buffers and state_dict, train() / eval(), and
// PyTorch's errors.
#include <gtest/gtest.h>

#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using test::error_of;
using Rows = std::vector<std::vector<float>>;

void expect_rows_near(const Tensor& t, const Rows& expected, float tol, const std::string& what) {
  const auto rows = t.to_rows();
  ASSERT_EQ(rows.size(), expected.size()) << what;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c)
      EXPECT_NEAR(rows[r][c], expected[r][c], tol) << what << " [" << r << "][" << c << "]";
}

void expect_values_near(const Tensor& t, const std::vector<float>& expected, float tol, const std::string& what) {
  ASSERT_EQ(t.numel(), static_cast<std::int64_t>(expected.size())) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(t.data()[static_cast<Eigen::Index>(i)], expected[i], tol) << what << " element " << i;
}

Tensor batch() { return Tensor::from_rows({{0.5f, -1.0f, 2.0f}, {1.5f, 0.0f, -2.0f}, {-0.5f, 3.0f, 1.0f}, {2.5f, 1.0f, 0.0f}}); }

// bn = torch.nn.BatchNorm1d(3); weight (1, 2, 0.5), bias (0, -1, 1); bn(x); bn(2 x); then eval.
TEST(BatchNorm1d, TrainsRunningStatisticsAsPyTorchThenEvaluatesWithThem) {
  nn::BatchNorm1d bn(3);
  bn->weight.mutable_data() << 1.0f, 2.0f, 0.5f;
  bn->bias.mutable_data() << 0.0f, -1.0f, 1.0f;
  expect_rows_near(bn(batch()),
                   {{-0.4472118f, -3.3664265f, 1.5916066f},
                    {0.4472118f, -2.0141828f, 0.2393630f},
                    {-1.3416355f, 2.0425482f, 1.2535458f},
                    {1.3416355f, -0.6619391f, 0.9154848f}},
                   1e-5f, "first training batch");
  bn(batch() * 2.0f);
  expect_values_near(bn->running_mean, {0.29f, 0.2175f, 0.0725f}, 1e-6f, "running_mean after two batches");
  // Unbiased: a Keras-style biased running variance would give 1.47, 2.0175, 2.0175.
  expect_values_near(bn->running_var, {1.6266665f, 2.2391665f, 2.2391665f}, 1e-5f, "running_var after two batches");
  EXPECT_EQ(bn->num_batches_tracked.item<std::int64_t>(), 2);
  EXPECT_EQ(bn->num_batches_tracked.dtype(), kLong);
  bn->eval();
  expect_rows_near(bn(batch()),
                   {{0.1646526f, -2.6272521f, 1.6440510f},
                    {0.9487128f, -1.2907001f, 0.3074991f},
                    {-0.6194075f, 2.7189555f, 1.3099129f},
                    {1.7327731f, 0.0458518f, 0.9757750f}},
                   1e-5f, "eval mode");
  EXPECT_EQ(bn->num_batches_tracked.item<std::int64_t>(), 2) << "eval() must not count batches";
}

// BatchNorm2d(2, momentum=None): a cumulative average over the two batches x, x / 2.
TEST(BatchNorm2d, CumulativeAverageWithoutMomentumOverImages) {
  Tensor x = Tensor::from_data({2, 2, 2, 2}, std::vector<float>(16));
  for (int i = 0; i < 16; ++i) x.mutable_data()[i] = 0.25f * static_cast<float>(i) - ((i / 4) % 2 == 0 ? 1.0f : 0.0f);
  x.mutable_data()[13] = 5.0f;
  nn::BatchNorm2d bn(nn::BatchNormOptions(2).momentum(std::nullopt));
  bn(x);
  bn(x * 0.5f);
  expect_values_near(bn->running_mean, {0.28125f, 1.9453125f}, 1e-6f, "running_mean");
  expect_values_near(bn->running_var, {0.7700893f, 1.2827847f}, 1e-5f, "running_var");
  bn->eval();
  expect_values_near(bn(x),
                     {-1.4600258f, -1.1751428f, -0.8902596f, -0.6053765f, -0.8346354f, -0.6139054f, -0.3931754f,
                      -0.1724454f, 0.8190389f, 1.1039219f, 1.3888050f, 1.6736882f, 0.9312047f, 2.6970448f,
                      1.3726648f, 1.5933948f},
                     1e-5f, "eval");
}

TEST(BatchNorm1d, BuffersStateDictAndRepr) {
  nn::BatchNorm1d bn(3);
  std::vector<std::string> keys;
  for (const auto& [name, _] : bn->state_dict()) keys.push_back(name);
  EXPECT_EQ(keys, (std::vector<std::string>{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(bn->named_buffers().size(), 3u);
  EXPECT_EQ(bn->parameters().size(), 2u) << "buffers are not parameters: an optimiser must not see them";
  EXPECT_EQ(bn->to_string(), "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  // Loading a state dict restores the buffers too.
  nn::BatchNorm1d trained(3);
  trained(batch());
  bn->load_state_dict(trained->state_dict());
  EXPECT_TRUE(bn->running_var.equal(trained->running_var));
  EXPECT_EQ(bn->num_batches_tracked.item<std::int64_t>(), 1);
  // Without affine and running statistics: nothing to save, batch statistics even in eval().
  nn::BatchNorm1d bare(nn::BatchNormOptions(3).affine(false).track_running_stats(false));
  EXPECT_TRUE(bare->state_dict().empty());
  bare->eval();
  EXPECT_NEAR(bare(batch()).data()[0], -0.4472118f, 1e-5f);
}

TEST(BatchNorm, TrainEvalPropagateThroughTheTree) {
  nn::Sequential model(nn::Linear(3, 4), nn::BatchNorm1d(4), nn::ReLU());
  model->eval();
  EXPECT_FALSE(model[1]->is_training());
  model->train();
  EXPECT_TRUE(model[1]->is_training());
  EXPECT_EQ(model->named_buffers().keys().front(), "1.running_mean");
}

TEST(BatchNorm, PyTorchsErrors) {
  nn::BatchNorm1d bn(3);
  EXPECT_EQ(error_of([&] { bn(Tensor::ones({1, 3})); }),
            "Expected more than 1 value per channel when training, got input size torch.Size([1, 3])");
  bn->eval();
  EXPECT_EQ(bn(Tensor::ones({1, 3})).numel(), 3) << "one row is fine in eval mode";
  nn::BatchNorm2d bn2(3);
  EXPECT_EQ(error_of([&] { bn2(Tensor::ones({1, 3, 1, 1})); }),
            "Expected more than 1 value per channel when training, got input size torch.Size([1, 3, 1, 1])");
  EXPECT_EQ(error_of([&] { bn2(Tensor::ones({2, 3})); }), "BatchNorm2d: expected 4D input (got 2D input)");
  EXPECT_EQ(error_of([&] { bn(Tensor::ones({2, 3, 1, 1})); }), "BatchNorm1d: expected 2D or 3D input (got 4D input)");
  EXPECT_NE(error_of([] { nn::BatchNorm1d(nn::BatchNormOptions(3).momentum(-0.1)); }).find("momentum must be"),
            std::string::npos);
  EXPECT_NE(error_of([] { nn::BatchNorm1d(nn::BatchNormOptions(3).eps(-1e-5)); }).find("eps must be"),
            std::string::npos);
  nn::LayerNorm ln(nn::LayerNormOptions({3}));
  EXPECT_EQ(error_of([&] { ln(Tensor::ones({2, 4})); }),
            "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 4]");
  EXPECT_NE(error_of([] { nn::GELU(nn::GELUOptions().approximate("fast")); }).find("either none or tanh"),
            std::string::npos);
}

TEST(LayerNorm, MatchesPyTorch) {
  nn::LayerNorm ln(nn::LayerNormOptions({3}));
  EXPECT_EQ(ln->to_string(), "LayerNorm((3,), eps=1e-05, elementwise_affine=True)");
  expect_rows_near(ln(batch()),
                   {{0.0f, -1.2247407f, 1.2247407f},
                    {1.1624736f, 0.1162474f, -1.2787209f},
                    {-1.1624736f, 1.2787209f, -0.1162474f},
                    {1.2977653f, -0.1622207f, -1.1355447f}},
                   1e-5f, "LayerNorm(3)");
}

TEST(Activations, ModulesPrintAsPyTorch) {
  EXPECT_EQ(nn::ELU()->to_string(), "ELU(alpha=1.0)");
  EXPECT_EQ(nn::SELU()->to_string(), "SELU()");
  EXPECT_EQ(nn::GELU()->to_string(), "GELU(approximate='none')");
  EXPECT_EQ(nn::GELU(nn::GELUOptions().approximate("tanh"))->to_string(), "GELU(approximate='tanh')");
  EXPECT_EQ(nn::LeakyReLU()->to_string(), "LeakyReLU(negative_slope=0.01)");
  EXPECT_EQ(nn::Softplus()->to_string(), "Softplus(beta=1, threshold=20)");
  EXPECT_EQ(nn::SiLU()->to_string(), "SiLU()");
  EXPECT_EQ(nn::Hardsigmoid()->to_string(), "Hardsigmoid()");
}

// PyTorch's defaults: LeakyReLU 0.01, GELU exact, Hardsigmoid relu6(x + 3) / 6, Softplus
// threshold 20 (x itself above it).
TEST(Activations, ModuleDefaultsAreTorchs) {
  const Tensor x = Tensor::from_data({4}, std::vector<float>{-1.0f, 1.0f, 2.0f, 25.0f});
  expect_values_near(nn::LeakyReLU()(x), {-0.01f, 1.0f, 2.0f, 25.0f}, 1e-7f, "LeakyReLU");
  expect_values_near(nn::GELU()(x), {-0.1586553f, 0.8413447f, 1.9544997f, 25.0f}, 1e-6f, "GELU");
  expect_values_near(nn::Hardsigmoid()(x), {1.0f / 3, 2.0f / 3, 5.0f / 6, 1.0f}, 1e-7f, "Hardsigmoid");
  expect_values_near(nn::Softplus()(x), {0.3132617f, 1.3132616f, 2.1269281f, 25.0f}, 1e-6f, "Softplus");
  expect_values_near(nn::ELU()(x), {-0.6321206f, 1.0f, 2.0f, 25.0f}, 1e-6f, "ELU");
  expect_values_near(nn::SiLU()(x), {-0.2689414f, 0.7310586f, 1.7615942f, 25.0f}, 1e-6f, "SiLU");
  expect_values_near(nn::SELU()(x), {-1.1113307f, 1.0507010f, 2.1014020f, 26.2675247f}, 1e-5f, "SELU");
}

TEST(Linear, WithoutBias) {
  nn::Linear fc(nn::LinearOptions(3, 2).bias(false));
  EXPECT_EQ(fc->named_parameters().size(), 1u);
  EXPECT_EQ(fc->to_string(), "Linear(in_features=3, out_features=2, bias=False)");
}

}  // namespace
}  // namespace duet::torch
