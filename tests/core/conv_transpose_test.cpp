// The transposed convolution against two independent truths: its scatter definition (each input
// value adds weight x value into a window of the output, written out directly here) and the
// adjoint identity <conv2d(z, w), x> = <z, conv_transpose2d(x, w)> with the same weight; its
// gradients against float64 finite differences; and one clear error per bad argument.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "duet/core/conv.h"
#include "duet/core/conv_transpose.h"
#include "duet/core/error.h"
#include "support/gradcheck.h"

namespace duet::test::conv_transpose_test {

struct TransposeCase {
  Shape x;       // [N, in, H, W]
  Shape weight;  // [in, out, KH, KW]
  Extent2d stride, padding, output_padding;
  std::string name;
};

std::vector<TransposeCase> transpose_cases() {
  return {
      {Shape{2, 3, 3, 3}, Shape{3, 2, 3, 3}, {1, 1}, {0, 0}, {0, 0}, "3x3 stride 1"},
      {Shape{2, 4, 1, 1}, Shape{4, 3, 4, 4}, {1, 1}, {0, 0}, {0, 0}, "1x1 noise to 4x4 (dcgan's first layer)"},
      {Shape{1, 2, 3, 2}, Shape{2, 2, 4, 4}, {2, 2}, {1, 1}, {0, 0}, "4x4 stride 2 padding 1 (dcgan)"},
      {Shape{1, 2, 3, 4}, Shape{2, 3, 3, 2}, {2, 2}, {1, 1}, {1, 0}, "stride 2 padding 1 output_padding (1, 0)"},
      {Shape{1, 1, 3, 3}, Shape{1, 2, 3, 3}, {3, 2}, {0, 1}, {2, 1}, "output_padding beyond the padding"},
  };
}

// The definition: y[n, o, i s - p + a, j s - p + b] += x[n, c, i, j] w[c, o, a, b], cropped to
// the output (OH = (H - 1) s - 2 p + KH + output_padding), plus the bias.
Tensor64 scatter_conv_transpose(const Tensor64& x, const Tensor64& w, const Tensor64& b, const TransposeCase& c) {
  const auto& sx = x.shape();
  const auto& sw = w.shape();
  const std::int64_t n = sx[0], in = sx[1], h = sx[2], wd = sx[3], out = sw[1], kh = sw[2], kw = sw[3];
  const std::int64_t oh = (h - 1) * c.stride.h - 2 * c.padding.h + kh + c.output_padding.h;
  const std::int64_t ow = (wd - 1) * c.stride.w - 2 * c.padding.w + kw + c.output_padding.w;
  Tensor64::Array y = Tensor64::Array::Zero(n * out * oh * ow);
  for (std::int64_t s = 0; s < n; ++s)
    for (std::int64_t o = 0; o < out; ++o)
      for (std::int64_t r = 0; r < oh; ++r)
        for (std::int64_t q = 0; q < ow; ++q) y[((s * out + o) * oh + r) * ow + q] = b.defined() ? b.data()[o] : 0.0;
  for (std::int64_t s = 0; s < n; ++s)
    for (std::int64_t ci = 0; ci < in; ++ci)
      for (std::int64_t i = 0; i < h; ++i)
        for (std::int64_t j = 0; j < wd; ++j)
          for (std::int64_t o = 0; o < out; ++o)
            for (std::int64_t a = 0; a < kh; ++a)
              for (std::int64_t bb = 0; bb < kw; ++bb) {
                const std::int64_t r = i * c.stride.h - c.padding.h + a, q = j * c.stride.w - c.padding.w + bb;
                if (r < 0 || r >= oh || q < 0 || q >= ow) continue;
                y[((s * out + o) * oh + r) * ow + q] +=
                    x.data()[((s * in + ci) * h + i) * wd + j] * w.data()[((ci * out + o) * kh + a) * kw + bb];
              }
  return Tensor64::from_array(Shape{n, out, oh, ow}, std::move(y));
}

TEST(ConvTranspose2d, MatchesTheScatterDefinition) {
  Generator gen(11);
  for (const auto& c : transpose_cases()) {
    const auto x = random_tensor64(c.x, gen);
    const auto w = random_tensor64(c.weight, gen);
    const auto b = random_tensor64(Shape{c.weight[1]}, gen);
    const auto expected = scatter_conv_transpose(x, w, b, c);
    const auto y = conv_transpose2d(x, w, b, c.stride, c.padding, c.output_padding);
    ASSERT_EQ(y.shape(), expected.shape()) << c.name;
    EXPECT_TRUE(y.allclose(expected, 1e-12, 1e-12)) << c.name;
    const auto no_bias = conv_transpose2d(x, w, Tensor64(), c.stride, c.padding, c.output_padding);
    EXPECT_TRUE(no_bias.allclose(scatter_conv_transpose(x, w, Tensor64(), c), 1e-12, 1e-12)) << c.name;
  }
}

TEST(ConvTranspose2d, IsTheAdjointOfConv2dWithTheSameWeight) {
  // conv2d reads the weight [in, out, KH, KW] as [O, C, KH, KW]: it maps [N, out, OH, OW] to
  // [N, in, H, W], and <conv2d(z), x> = <z, conv_transpose2d(x)> for every x and z.
  Generator gen(13);
  for (const auto& c : transpose_cases()) {
    const auto x = random_tensor64(c.x, gen);
    const auto w = random_tensor64(c.weight, gen);
    const auto y = conv_transpose2d(x, w, Tensor64(), c.stride, c.padding, c.output_padding);
    const auto z = random_tensor64(y.shape(), gen);
    const Padding2d pad{{c.padding.h, c.padding.h}, {c.padding.w, c.padding.w}};
    const auto conv_z = conv2d(z, w, Tensor64(), c.stride, pad, ChannelLayout::channels_first);
    ASSERT_EQ(conv_z.shape(), x.shape()) << c.name;
    const double lhs = (conv_z.data() * x.data()).sum(), rhs = (z.data() * y.data()).sum();
    EXPECT_NEAR(lhs, rhs, 1e-10 * (1 + std::abs(lhs))) << c.name;
  }
}

TEST(ConvTranspose2d, GradientsMatchFiniteDifferences) {
  Generator gen(17);
  for (const auto& c : transpose_cases()) {
    const auto op = [&c](const Tensor64& x, const Tensor64& w, const Tensor64& b) {
      return conv_transpose2d(x, w, b, c.stride, c.padding, c.output_padding);
    };
    expect_gradients_match([&](const auto& in) { return op(in[0], in[1], in[2]); },
                           {random_tensor64(c.x, gen), random_tensor64(c.weight, gen),
                            random_tensor64(Shape{c.weight[1]}, gen)},
                           c.name);
    expect_gradients_match([&](const auto& in) { return op(in[0], in[1], Tensor64()); },
                           {random_tensor64(c.x, gen), random_tensor64(c.weight, gen)}, c.name + " without bias");
  }
}

TEST(ConvTranspose2d, TheOutputSizeFormula) {
  // (H - 1) stride - 2 padding + kernel + output_padding: dcgan's generator goes 1 -> 4 -> 7 -> 14 -> 28.
  EXPECT_EQ(conv_transpose_output_size(1, 4, 1, 0, 0, "t", "height"), 4);
  EXPECT_EQ(conv_transpose_output_size(4, 3, 2, 1, 0, "t", "height"), 7);
  EXPECT_EQ(conv_transpose_output_size(7, 4, 2, 1, 0, "t", "height"), 14);
  EXPECT_EQ(conv_transpose_output_size(14, 4, 2, 1, 0, "t", "height"), 28);
  EXPECT_EQ(conv_transpose_output_size(4, 3, 2, 1, 1, "t", "height"), 8);
}

std::string conv_transpose_error(const Shape& x, const Shape& w, Extent2d stride, Extent2d padding,
                                 Extent2d output_padding) {
  try {
    conv_transpose2d(Tensor::zeros(x), Tensor::zeros(w), Tensor(), stride, padding, output_padding, "ConvT");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ConvTranspose2d, BadInputIsOneClearError) {
  EXPECT_EQ(conv_transpose_error({1, 3, 4, 4}, {2, 5, 3, 3}, {1, 1}, {0, 0}, {0, 0}),
            "ConvT: input of shape [1, 3, 4, 4] has 3 channels but the weight of shape [2, 5, 3, 3] expects 2 "
            "(weight is [in_channels, out_channels, KH, KW])");
  EXPECT_EQ(conv_transpose_error({1, 2, 4, 4}, {2, 5, 3, 3}, {2, 2}, {0, 0}, {0, 2}),
            "ConvT: output_padding along the width must be at least 0 and smaller than the stride, got "
            "output_padding 2 with stride 2");
  EXPECT_EQ(conv_transpose_error({1, 2, 1, 4}, {2, 5, 1, 3}, {1, 1}, {1, 0}, {0, 0}),
            "ConvT: the output height would be -1 = (1 - 1) x stride 1 - 2 x padding 1 + kernel 1 + "
            "output_padding 0; it must be positive (the padding is too large)");
  EXPECT_EQ(conv_transpose_error({1, 2, 4}, {2, 5, 3, 3}, {1, 1}, {0, 0}, {0, 0}),
            "ConvT: input must be 4-D [N, in_channels, H, W], got shape [1, 2, 4]");
  try {
    conv_transpose2d(Tensor::zeros({1, 2, 3, 3}), Tensor::zeros({2, 4, 2, 2}), Tensor::zeros({3}), {1, 1}, {0, 0},
                     {0, 0});
    FAIL() << "a bias of the wrong size was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "conv_transpose2d: bias of shape [3] does not match 4 output channels");
  }
}

}  // namespace duet::test::conv_transpose_test
