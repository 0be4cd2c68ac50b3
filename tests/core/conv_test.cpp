// Convolution: values against a direct (naive) sum written independently here, the odd pixel of
// 'same' padding as PyTorch 1.13 and TensorFlow place it, gradients against finite differences
// in float64 for both layouts, every padding and stride, and the errors for bad shapes.
#include <gtest/gtest.h>

#include "duet/core/conv.h"
#include "duet/core/error.h"
#include "support/gradcheck.h"
#include "support/tensor_checks.h"

namespace duet::test {
namespace {

struct Case {
  Shape x;  // channels_last [N, H, W, C]
  std::int64_t kh, kw, out;
  Extent2d stride;
  Padding2d pad;
  std::string name;
};

// The direct definition: y[n, i, j, o] = b[o] + sum x[n, i s - pt + a, j s - pl + b, c] k[a, b, c, o].
Tensor64 direct_conv_nhwc(const Tensor64& x, const Tensor64& k, const Tensor64& b, Extent2d s, Padding2d p) {
  const auto& sx = x.shape();
  const auto& sk = k.shape();
  const std::int64_t n = sx[0], h = sx[1], w = sx[2], c = sx[3], kh = sk[0], kw = sk[1], o = sk[3];
  const std::int64_t oh = (h + p.h.before + p.h.after - kh) / s.h + 1;
  const std::int64_t ow = (w + p.w.before + p.w.after - kw) / s.w + 1;
  Tensor64::Array y = Tensor64::Array::Zero(n * oh * ow * o);
  for (std::int64_t in = 0; in < n; ++in)
    for (std::int64_t i = 0; i < oh; ++i)
      for (std::int64_t j = 0; j < ow; ++j)
        for (std::int64_t oc = 0; oc < o; ++oc) {
          double acc = b.defined() ? b.data()[oc] : 0.0;
          for (std::int64_t a = 0; a < kh; ++a)
            for (std::int64_t bb = 0; bb < kw; ++bb)
              for (std::int64_t ic = 0; ic < c; ++ic) {
                const std::int64_t r = i * s.h - p.h.before + a, q = j * s.w - p.w.before + bb;
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                acc += x.data()[((in * h + r) * w + q) * c + ic] * k.data()[((a * kw + bb) * c + ic) * o + oc];
              }
          y[((in * oh + i) * ow + j) * o + oc] = acc;
        }
  return Tensor64::from_array(Shape{n, oh, ow, o}, std::move(y));
}

// OIHW from HWIO: weight[o, c, a, b] = kernel[a, b, c, o].
Tensor64 to_oihw(const Tensor64& k) { return k.permute({3, 2, 0, 1}); }

std::vector<Case> cases() {
  return {
      {Shape{2, 5, 5, 2}, 3, 3, 3, {1, 1}, {}, "valid 3x3 stride 1"},
      {Shape{1, 6, 5, 2}, 3, 2, 2, {2, 2}, {}, "valid 3x2 stride 2"},
      {Shape{2, 5, 4, 1}, 3, 3, 2, {1, 1}, {same_padding(5, 3, 1), same_padding(4, 3, 1)}, "same 3x3 stride 1"},
      {Shape{1, 5, 5, 2}, 2, 2, 2, {1, 1}, {same_padding(5, 2, 1), same_padding(5, 2, 1)}, "same even kernel"},
      {Shape{1, 6, 5, 1}, 3, 3, 2, {2, 2}, {same_padding(6, 3, 2), same_padding(5, 3, 2)}, "same stride 2"},
      {Shape{1, 4, 4, 2}, 3, 3, 2, {1, 2}, {{1, 1}, {1, 1}}, "explicit padding 1"},
  };
}

TEST(Conv2d, MatchesTheDirectSumInBothLayouts) {
  Generator gen(3);
  for (const auto& c : cases()) {
    const auto x = random_tensor64(c.x, gen);
    const auto k = random_tensor64(Shape{c.kh, c.kw, c.x[3], c.out}, gen);
    const auto b = random_tensor64(Shape{c.out}, gen);
    const auto expected = direct_conv_nhwc(x, k, b, c.stride, c.pad);
    const auto nhwc = conv2d(x, k, b, c.stride, c.pad, ChannelLayout::channels_last);
    ASSERT_EQ(nhwc.shape(), expected.shape()) << c.name;
    EXPECT_TRUE(nhwc.allclose(expected, 1e-12, 1e-12)) << c.name;
    const auto nchw = conv2d(to_channels_first(x), to_oihw(k), b, c.stride, c.pad, ChannelLayout::channels_first);
    EXPECT_TRUE(to_channels_last(nchw).allclose(expected, 1e-12, 1e-12)) << c.name << " (channels first)";
  }
}

// PyTorch 1.13: F.conv2d(x, ones(1, 1, 1, 2), padding='same') on x = [1, 0, 0, 0, 0] gives
// [1, 0, 0, 0, 0]: no padding on the left, the odd pixel on the right. TensorFlow's 'same' places
// it the same way (total 1 = 0 before + 1 after; tfjs 4.22 conv2d 'same' gives [1, 0, 0, 0, 0]). With the pixel on the left it would be [1, 1, 0, 0, 0].
TEST(Conv2d, SamePaddingPutsTheOddPixelAfter) {
  const AxisPadding p = same_padding(5, 2, 1);
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  const Tensor x = Tensor::from_data(Shape{1, 1, 5, 1}, {1, 0, 0, 0, 0});
  const Tensor k = Tensor::ones(Shape{1, 2, 1, 1});
  const Tensor y = conv2d(x, k, Tensor(), {1, 1}, {{}, p}, ChannelLayout::channels_last);
  EXPECT_EQ(y.data()[0], 1.0f);
  EXPECT_EQ(y.data()[1], 0.0f) << "the odd pixel of 'same' padding went before the input";
  // TensorFlow with stride 2 on 6 inputs and a 3-wide kernel: out 3, total (3 - 1) 2 + 3 - 6 = 1.
  const AxisPadding s2 = same_padding(6, 3, 2);
  EXPECT_EQ(s2.before, 0);
  EXPECT_EQ(s2.after, 1);
  const AxisPadding big = same_padding(5, 4, 1);  // total 3: 1 before, 2 after
  EXPECT_EQ(big.before, 1);
  EXPECT_EQ(big.after, 2);
}

TEST(Conv2d, GradientsMatchFiniteDifferences) {
  Generator gen(5);
  for (const auto& c : cases()) {
    for (const auto layout : {ChannelLayout::channels_last, ChannelLayout::channels_first}) {
      const bool last = layout == ChannelLayout::channels_last;
      const Shape xs = last ? c.x : Shape{c.x[0], c.x[3], c.x[1], c.x[2]};
      const Shape ks = last ? Shape{c.kh, c.kw, c.x[3], c.out} : Shape{c.out, c.x[3], c.kh, c.kw};
      const std::string what = c.name + (last ? " NHWC" : " NCHW");
      expect_gradients_match(
          [&](const auto& in) { return conv2d(in[0], in[1], in[2], c.stride, c.pad, layout); },
          {random_tensor64(xs, gen), random_tensor64(ks, gen), random_tensor64(Shape{c.out}, gen)}, what);
      expect_gradients_match([&](const auto& in) { return conv2d(in[0], in[1], Tensor64(), c.stride, c.pad, layout); },
                             {random_tensor64(xs, gen), random_tensor64(ks, gen)}, what + " without bias");
    }
  }
}

TEST(Conv1d, MatchesConv2dOnAHeightOfOneAndItsGradients) {
  Generator gen(7);
  const auto x = random_tensor64(Shape{2, 7, 3}, gen);
  const auto k = random_tensor64(Shape{3, 3, 2}, gen);
  const auto b = random_tensor64(Shape{2}, gen);
  for (const auto& [stride, pad] : std::vector<std::pair<std::int64_t, AxisPadding>>{
           {1, {}}, {2, {}}, {1, same_padding(7, 3, 1)}, {2, same_padding(7, 3, 2)}, {1, {2, 2}}}) {
    const auto y = conv1d(x, k, b, stride, pad, ChannelLayout::channels_last);
    const auto expected = direct_conv_nhwc(x.reshape({2, 1, 7, 3}), k.reshape({1, 3, 3, 2}), b, {1, stride}, {{}, pad});
    EXPECT_TRUE(y.allclose(expected.reshape(y.shape()), 1e-12, 1e-12)) << "stride " << stride;
    const auto y_first = conv1d(x.permute({0, 2, 1}), k.permute({2, 1, 0}), b, stride, pad, ChannelLayout::channels_first);
    EXPECT_TRUE(y_first.permute({0, 2, 1}).allclose(y, 1e-12, 1e-12)) << "stride " << stride << " channels first";
    for (const auto layout : {ChannelLayout::channels_last, ChannelLayout::channels_first}) {
      const bool last = layout == ChannelLayout::channels_last;
      // Structured bindings are copied into the lambda by name: clang 14 cannot capture them.
      expect_gradients_match([&, st = stride, pd = pad](const auto& in) { return conv1d(in[0], in[1], in[2], st, pd, layout); },
                             {last ? x : x.permute({0, 2, 1}), last ? k : k.permute({2, 1, 0}), b},
                             "conv1d stride " + std::to_string(stride) + (last ? " NLC" : " NCL"));
    }
  }
}

TEST(LayoutPermutations, MoveTheChannelAxisAndBack) {
  Generator gen(9);
  const auto x = random_tensor64(Shape{2, 3, 4, 5}, gen);
  const auto first = to_channels_first(x);
  EXPECT_EQ(first.shape(), (Shape{2, 5, 3, 4}));
  // x[1, 2, 3, 4] (N, H, W, C) is first[1, 4, 2, 3].
  EXPECT_EQ(first.data()[((1 * 5 + 4) * 3 + 2) * 4 + 3], x.data()[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
  EXPECT_TRUE(to_channels_last(first).equal(x));
  EXPECT_EQ(to_channels_first(random_tensor64(Shape{2, 7, 3}, gen)).shape(), (Shape{2, 3, 7}));
  expect_gradients_match([](const auto& in) { return to_channels_first(in[0]); }, {x}, "to_channels_first");
  expect_gradients_match([](const auto& in) { return to_channels_last(in[0]); }, {random_tensor64(Shape{2, 3, 5}, gen)},
                         "to_channels_last");
  EXPECT_THROW(to_channels_first(random_tensor64(Shape{2, 3}, gen)), Error);
}

// One clear duet::Error naming the op, the shapes and the option; never a crash.

TEST(Conv2d, BadInputIsOneClearError) {
  const Tensor x = Tensor::zeros(Shape{1, 4, 4, 2});
  const Tensor k = Tensor::zeros(Shape{3, 3, 2, 1});
  const auto last = ChannelLayout::channels_last;
  expect_error_naming([&] { conv2d(x, Tensor::zeros(Shape{5, 5, 2, 1}), Tensor(), {1, 1}, {}, last); },
               {"conv2d", "kernel size 5", "height", "larger than the padded input"});
  expect_error_naming([&] { conv2d(x, k, Tensor(), {0, 1}, {}, last); }, {"conv2d", "stride", "positive", "got 0"});
  expect_error_naming([&] { conv2d(x, Tensor::zeros(Shape{3, 3, 3, 1}), Tensor(), {1, 1}, {}, last); },
               {"conv2d", "[1, 4, 4, 2]", "2 channels", "[3, 3, 3, 1]", "expects 3"});
  expect_error_naming([&] { conv2d(Tensor::zeros(Shape{4, 4}), k, Tensor(), {1, 1}, {}, last); },
               {"conv2d", "4-D", "[4, 4]"});
  expect_error_naming([&] { conv2d(x, k, Tensor::zeros(Shape{2}), {1, 1}, {}, last); }, {"bias", "[2]", "1 output"});
  expect_error_naming([&] { conv1d(Tensor::zeros(Shape{1, 2, 3}), Tensor::zeros(Shape{4, 3, 1}), Tensor(), 1, {}, last); },
               {"conv1d", "[1, 2, 3]", "kernel size 4", "larger"});
  // A kernel fits once padded.
  EXPECT_EQ(conv2d(x, Tensor::zeros(Shape{5, 5, 2, 1}), Tensor(), {1, 1}, {{1, 0}, {0, 1}}, last).shape(),
            (Shape{1, 1, 1, 1}));
}

}  // namespace
}  // namespace duet::test
