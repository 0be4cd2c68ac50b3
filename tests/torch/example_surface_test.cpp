// What pytorch/examples' cpp/mnist and cpp/dcgan call beyond the rest of the API (issue 24):
// nn::Dropout2d (channel-wise dropout), the namespace-level torch::max_pool2d, and the in-place
// random fills uniform_ / normal_. Truth: closed forms (each channel kept whole and scaled by
// 1 / (1 - p); a hand-computed max pool) and sample statistics with wide, seeded bounds.
#include <gtest/gtest.h>

#include <cmath>

#include "duet/torch.h"

namespace duet::torch::example_surface_test {

// Each (sample, channel) slice of `y` is either all zero or all `scale` times `x`'s slice.
int count_dropped_channels(const Tensor& x, const Tensor& y, float scale) {
  const std::int64_t channels = x.size(0) * x.size(1), per_channel = x.numel() / channels;
  int dropped = 0;
  for (std::int64_t c = 0; c < channels; ++c) {
    const bool zero = y.data()[c * per_channel] == 0.0f;
    dropped += zero ? 1 : 0;
    for (std::int64_t i = c * per_channel; i < (c + 1) * per_channel; ++i) {
      const float expected = zero ? 0.0f : scale * x.data()[i];
      EXPECT_FLOAT_EQ(y.data()[i], expected) << "channel " << c << " element " << i;
    }
  }
  return dropped;
}

TEST(ExampleSurfaceDropout2d, ZeroesWholeChannelsAndScalesTheRest) {
  torch::manual_seed(3);
  nn::Dropout2d drop(nn::Dropout2dOptions(0.5));
  const Tensor x = torch::rand({16, 32, 2, 3}) + 0.5;  // no zero in the input
  const int dropped = count_dropped_channels(x, drop(x), 2.0f);
  // 512 channels, each dropped with probability 1/2: 256 +- 3 standard deviations (11.3).
  EXPECT_GT(dropped, 256 - 34);
  EXPECT_LT(dropped, 256 + 34);
}

TEST(ExampleSurfaceDropout2d, GradientIsTheChannelMask) {
  torch::manual_seed(5);
  nn::Dropout2d drop(0.25);
  const Tensor x = (torch::rand({2, 4, 3, 3}) + 0.5).requires_grad_();
  const Tensor y = drop(x);
  y.sum().backward();
  // dy/dx is 0 for a dropped channel and 1 / (1 - p) for a kept one: y / x.
  const Tensor mask = y.detach() / x.detach();
  for (std::int64_t i = 0; i < x.numel(); ++i) EXPECT_FLOAT_EQ(x.grad().data()[i], mask.data()[i]) << i;
}

TEST(ExampleSurfaceDropout2d, UnbatchedInputDropsChannels) {
  torch::manual_seed(7);
  nn::Dropout2d drop(0.5);
  const Tensor x = torch::rand({40, 2, 2}) + 0.5;
  const Tensor y = drop(x);
  ASSERT_EQ(y.shape(), x.shape());
  const int dropped = count_dropped_channels(x.unsqueeze(0), y.unsqueeze(0), 2.0f);
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, 40);
}

TEST(ExampleSurfaceDropout2d, EvalModeAndZeroProbabilityAreTheIdentity) {
  nn::Dropout2d drop(0.5);
  const Tensor x = torch::rand({2, 3, 2, 2});
  drop->eval();
  EXPECT_TRUE(drop(x).equal(x));
  nn::Dropout2d none(0.0);
  EXPECT_TRUE(none(x).equal(x));
  nn::Dropout2d all(1.0);
  EXPECT_TRUE(all(x).equal(torch::zeros({2, 3, 2, 2})));
}

TEST(ExampleSurfaceDropout2d, BadInputIsOneClearError) {
  EXPECT_THROW(
      {
        try {
          nn::Dropout2d drop(1.5);
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(), "Dropout2d: dropout probability has to be between 0 and 1, but got 1.5");
          throw;
        }
      },
      Error);
  nn::Dropout2d drop(0.5);
  try {
    drop(torch::rand({4, 5}));
    FAIL() << "a 2-D input was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Dropout2d: expected a 4-D input"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[4, 5]"), std::string::npos) << e.what();
  }
  EXPECT_EQ(drop->type_name(), "Dropout2d");
}

TEST(ExampleSurfaceMaxPool2d, NamespaceFormPoolsWithStrideDefaultingToTheKernel) {
  // 0..15 in a 4 x 4 grid: the maxima of the 2 x 2 blocks are 5, 7, 13, 15.
  const Tensor x = torch::arange(16.0).reshape({1, 1, 4, 4});
  const Tensor y = torch::max_pool2d(x, 2);
  ASSERT_EQ(y.shape(), (Shape{1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(y.data()[0], 5.0f);
  EXPECT_FLOAT_EQ(y.data()[1], 7.0f);
  EXPECT_FLOAT_EQ(y.data()[2], 13.0f);
  EXPECT_FLOAT_EQ(y.data()[3], 15.0f);
  // stride 1: 3 x 3 windows' maxima 5, 6, 7, 9, ...; the last is 15.
  const Tensor overlapping = torch::max_pool2d(x, 2, 1);
  ASSERT_EQ(overlapping.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_FLOAT_EQ(overlapping.data()[0], 5.0f);
  EXPECT_FLOAT_EQ(overlapping.data()[8], 15.0f);
  EXPECT_THROW(torch::max_pool2d(x, 2, std::nullopt, 0, 2), Error);  // dilation 2: not supported
}

TEST(ExampleSurfaceRandomFill, UniformMatchesRealPyTorchDrawForDraw) {
  // PyTorch 1.13: torch.manual_seed(1); torch.empty(5).uniform_(0.8, 1.0) (dcgan's real labels).
  torch::manual_seed(1);
  const Tensor labels = torch::empty({5}).uniform_(0.8, 1.0);
  const std::vector<float> expected{0.9515263438224792f, 0.8558622002601624f, 0.8806138634681702f, 0.9469369053840637f,
                                    0.8058563470840454f};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(labels.data()[static_cast<Eigen::Index>(i)], expected[i]);
  // The same stream as torch::rand: reseeding gives the same draws.
  torch::manual_seed(1);
  EXPECT_TRUE((torch::rand({5}) * 0.2f + 0.8f).allclose(labels, 1e-6, 1e-6));
  EXPECT_EQ(torch::initial_seed(), 1u);
}

TEST(ExampleSurfaceRandomFill, NormalHasTheRequestedMoments) {
  torch::manual_seed(2);
  const Tensor x = torch::empty({20000}).normal_(3.0, 0.5);
  // Standard errors: 0.5 / sqrt(20000) = 0.0035 for the mean, ~0.0025 for the standard deviation.
  EXPECT_NEAR(x.mean().item<float>(), 3.0, 0.02);
  EXPECT_NEAR((x - 3.0f).square().mean().sqrt().item<float>(), 0.5, 0.015);
}

TEST(ExampleSurfaceRandomFill, BadRangesAreClearErrorsAndParametersNeedNoGrad) {
  try {
    torch::empty({2}).uniform_(1.0, 0.0);
    FAIL() << "from > to was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "uniform_ expects to return a [from, to) range, but found from=1 > to=0");
  }
  try {
    torch::empty({2}).normal_(0.0, -1.0);
    FAIL() << "a negative std was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "normal expects std >= 0.0, but found std -1");
  }
  // As every in-place update: refused on a tensor that requires grad while the graph records.
  Tensor w = torch::zeros({3}).requires_grad_();
  EXPECT_THROW(w.uniform_(), Error);
  NoGradGuard no_grad;
  w.uniform_(-0.1, 0.1);
  EXPECT_LE(w.abs().max().item<float>(), 0.1f);
}

}  // namespace duet::torch::example_surface_test
