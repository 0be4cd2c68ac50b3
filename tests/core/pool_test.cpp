// Pooling: values worked by hand and taken from PyTorch 1.13, the tie rule of max pooling's
// gradient, TensorFlow's 'same' average divisor, finite-difference gradients in float64 for both
// layouts, paddings and strides, and the errors for windows that do not fit.
#include <gtest/gtest.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/pool.h"
#include "support/gradcheck.h"
#include "support/tensor_checks.h"

namespace duet::test {
namespace {

constexpr auto kLast = ChannelLayout::channels_last;
constexpr auto kFirst = ChannelLayout::channels_first;


// PyTorch 1.13: x = [1, 3, 3, 2] requires_grad, F.max_pool1d(x, 4).backward() -> x.grad = [0, 1, 0, 0]:
// the first of the tied maxima takes the whole gradient (not split, not the last). TensorFlow.js
// 4.22 (cpu): tf.grad of maxPool on the same values gives [0, 1, 0, 0], and [1, 0, 0, 0] below.
TEST(MaxPool, TiesRouteTheGradientToTheFirstMaximum) {
  Tensor x = Tensor::from_data(Shape{1, 1, 4}, {1, 3, 3, 2}).set_requires_grad(true);
  sum(max_pool1d(x, 4, 4, {}, kFirst)).backward();
  EXPECT_EQ(values(x.grad()), (std::vector<float>{0, 1, 0, 0}));
  // 2-D, channels last: the window [[5, 5], [5, 1]] routes to its top-left cell (row-major first).
  Tensor y = Tensor::from_data(Shape{1, 2, 2, 1}, {5, 5, 5, 1}).set_requires_grad(true);
  sum(max_pool2d(y, {2, 2}, {2, 2}, {}, kLast)).backward();
  EXPECT_EQ(values(y.grad()), (std::vector<float>{1, 0, 0, 0}));
  // With padding (another code path): x = [2, 2, 0], window 3, stride 2, one -inf each side:
  // windows [pad, 2, 2] and [2, 0, pad] -> the first 2 wins the first window, the second 2 the
  // second. PyTorch 1.13 (F.max_pool1d(x, 3, 2, padding=1)) gives x.grad = [1, 1, 0]; routing to
  // the last maximum would give [0, 2, 0].
  Tensor z = Tensor::from_data(Shape{1, 1, 3}, {2, 2, 0}).set_requires_grad(true);
  sum(max_pool1d(z, 3, 2, {1, 1}, kFirst)).backward();
  EXPECT_EQ(values(z.grad()), (std::vector<float>{1, 1, 0}));
}

// The unpadded fast paths (one per layout) against a plain scan of each window, with many ties
// (values 0..2) and overlapping, uneven windows: values and where each gradient lands.
TEST(MaxPool, UnpaddedPathsMatchAScanOfEachWindow) {
  const std::int64_t n = 2, c = 3, h = 5, w = 6;
  Generator gen(7);
  std::vector<float> nchw(static_cast<std::size_t>(n * c * h * w));
  for (auto& v : nchw) v = std::floor(gen.uniform(0.0f, 3.0f));
  const auto at = [&](std::int64_t i, std::int64_t k, std::int64_t y, std::int64_t x) {
    return static_cast<std::size_t>(((i * c + k) * h + y) * w + x);
  };
  std::vector<float> nhwc(nchw.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t k = 0; k < c; ++k)
      for (std::int64_t y = 0; y < h; ++y)
        for (std::int64_t x = 0; x < w; ++x) nhwc[static_cast<std::size_t>(((i * h + y) * w + x) * c + k)] = nchw[at(i, k, y, x)];
  struct Window {
    Extent2d kernel, stride;
  };
  for (const auto& [kernel, stride] : {Window{{2, 2}, {2, 2}}, Window{{3, 2}, {1, 2}}, Window{{2, 3}, {2, 1}}}) {
    const std::int64_t oh = (h - kernel.h) / stride.h + 1, ow = (w - kernel.w) / stride.w + 1;
    // The scan, in NCHW: the first maximum of each window in row-major order takes the gradient.
    std::vector<float> want_out;
    std::vector<float> want_grad(nchw.size(), 0.0f);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t k = 0; k < c; ++k)
        for (std::int64_t y = 0; y < oh; ++y)
          for (std::int64_t x = 0; x < ow; ++x) {
            std::size_t best = at(i, k, y * stride.h, x * stride.w);
            for (std::int64_t a = 0; a < kernel.h; ++a)
              for (std::int64_t b = 0; b < kernel.w; ++b) {
                const std::size_t cell = at(i, k, y * stride.h + a, x * stride.w + b);
                if (nchw[cell] > nchw[best]) best = cell;
              }
            want_out.push_back(nchw[best]);
            want_grad[best] += 1.0f;
          }
    Tensor first = Tensor::from_data(Shape{n, c, h, w}, nchw).set_requires_grad(true);
    const Tensor out_first = max_pool2d(first, kernel, stride, {}, kFirst);
    sum(out_first).backward();
    EXPECT_EQ(values(out_first), want_out) << kernel.h << "x" << kernel.w;
    EXPECT_EQ(values(first.grad()), want_grad) << kernel.h << "x" << kernel.w;

    Tensor last = Tensor::from_data(Shape{n, h, w, c}, nhwc).set_requires_grad(true);
    const Tensor out_last = max_pool2d(last, kernel, stride, {}, kLast);
    sum(out_last).backward();
    const Tensor out_as_first = out_last.permute({0, 3, 1, 2});
    const Tensor grad_as_first = last.grad().permute({0, 3, 1, 2});
    EXPECT_EQ(values(out_as_first), want_out) << kernel.h << "x" << kernel.w;
    EXPECT_EQ(values(grad_as_first), want_grad) << kernel.h << "x" << kernel.w;
  }
}

TEST(MaxPool, ValuesWithStrideAndSamePadding) {
  // [N, L, C] = [1, 5, 1]: windows of 2, stride 2, TensorFlow 'same': out 3, total pad
  // (3 - 1) 2 + 2 - 5 = 1, after: windows [1, 4], [2, 8], [6, pad] -> 4, 8, 6.
  const Tensor x = Tensor::from_data(Shape{1, 5, 1}, {1, 4, 2, 8, 6});
  EXPECT_EQ(values(max_pool1d(x, 2, 2, same_padding(5, 2, 2), kLast)), (std::vector<float>{4, 8, 6}));
  EXPECT_EQ(values(max_pool1d(x, 2, 2, {}, kLast)), (std::vector<float>{4, 8}));
  // Padded cells never win, even against negative values.
  const Tensor neg = Tensor::from_data(Shape{1, 1, 3}, {-3, -1, -2});
  EXPECT_EQ(values(max_pool1d(neg, 2, 2, {1, 1}, kFirst)), (std::vector<float>{-3, -1}));
}

// TensorFlow's 'same' average pooling divides by the cells inside the input; PyTorch's default
// (count_include_pad=True) by the whole window. x = [1, 2, 3], window 2, stride 1, one pad after:
// TF [1.5, 2.5, 3 / 1] (tfjs 4.22 avgPool 'same' gives [1.5, 2.5, 3]); PyTorch-style [1.5, 2.5, 3 / 2].
TEST(AvgPool, TheDivisorOfAPaddedWindow) {
  const Tensor x = Tensor::from_data(Shape{1, 3, 1}, {1, 2, 3});
  const AxisPadding pad = same_padding(3, 2, 1);
  EXPECT_EQ(values(avg_pool1d(x, 2, 1, pad, kLast, AvgDivisor::valid)), (std::vector<float>{1.5f, 2.5f, 3.0f}));
  EXPECT_EQ(values(avg_pool1d(x, 2, 1, pad, kLast, AvgDivisor::window)), (std::vector<float>{1.5f, 2.5f, 1.5f}));
  // 2-D 'same' with a 3x3 window on 2x2: every window sees all four cells, a corner is padded
  // on two sides; TF divides the sum 10 by 4 everywhere.
  const Tensor img = Tensor::from_data(Shape{1, 2, 2, 1}, {1, 2, 3, 4});
  const Padding2d same{same_padding(2, 3, 1), same_padding(2, 3, 1)};
  EXPECT_EQ(values(avg_pool2d(img, {3, 3}, {1, 1}, same, kLast, AvgDivisor::valid)),
            (std::vector<float>{2.5f, 2.5f, 2.5f, 2.5f}));
}

struct PoolCase {
  Shape x;  // [N, H, W, C]
  Extent2d kernel, stride;
  Padding2d pad;
  std::string name;
};

std::vector<PoolCase> pool_cases() {
  return {
      {Shape{2, 4, 4, 2}, {2, 2}, {2, 2}, {}, "2x2 stride 2"},
      {Shape{1, 5, 4, 1}, {3, 2}, {1, 1}, {}, "3x2 stride 1"},
      {Shape{1, 5, 5, 2}, {2, 2}, {2, 2}, {same_padding(5, 2, 2), same_padding(5, 2, 2)}, "same 2x2 stride 2"},
      {Shape{1, 4, 5, 1}, {3, 3}, {1, 2}, {same_padding(4, 3, 1), same_padding(5, 3, 2)}, "same 3x3 mixed stride"},
      {Shape{1, 4, 4, 2}, {3, 3}, {2, 2}, {{1, 1}, {1, 1}}, "explicit padding 1"},
  };
}

Shape layout_shape(const Shape& nhwc, ChannelLayout layout) {
  return layout == kLast ? nhwc : Shape{nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
}

TEST(Pool2d, GradientsMatchFiniteDifferences) {
  Generator gen(21);
  for (const auto& c : pool_cases()) {
    for (const auto layout : {kLast, kFirst}) {
      // Random doubles: no ties, so max pooling is differentiable at the point.
      const auto x = random_tensor64(layout_shape(c.x, layout), gen);
      const std::string what = c.name + (layout == kLast ? " NHWC" : " NCHW");
      expect_gradients_match([&](const auto& in) { return max_pool2d(in[0], c.kernel, c.stride, c.pad, layout); }, {x},
                             "max " + what);
      for (const auto divisor : {AvgDivisor::window, AvgDivisor::valid}) {
        expect_gradients_match(
            [&](const auto& in) { return avg_pool2d(in[0], c.kernel, c.stride, c.pad, layout, divisor); }, {x},
            "avg " + what);
      }
    }
  }
}

TEST(Pool2d, BothLayoutsAgree) {
  Generator gen(23);
  for (const auto& c : pool_cases()) {
    const auto x = random_tensor64(c.x, gen);
    const auto first = x.permute({0, 3, 1, 2});
    EXPECT_TRUE(max_pool2d(x, c.kernel, c.stride, c.pad, kLast)
                    .equal(max_pool2d(first, c.kernel, c.stride, c.pad, kFirst).permute({0, 2, 3, 1})))
        << c.name;
    EXPECT_TRUE(avg_pool2d(x, c.kernel, c.stride, c.pad, kLast, AvgDivisor::valid)
                    .allclose(avg_pool2d(first, c.kernel, c.stride, c.pad, kFirst, AvgDivisor::valid).permute({0, 2, 3, 1}),
                              1e-12, 1e-12))
        << c.name;
  }
}

TEST(Pool1d, GradientsMatchFiniteDifferences) {
  Generator gen(25);
  for (const auto layout : {kLast, kFirst}) {
    const auto x = random_tensor64(layout == kLast ? Shape{2, 7, 2} : Shape{2, 2, 7}, gen);
    for (const auto& [k, s, pad] : std::vector<std::tuple<std::int64_t, std::int64_t, AxisPadding>>{
             {2, 2, {}}, {3, 1, {}}, {2, 2, same_padding(7, 2, 2)}, {3, 2, {1, 1}}}) {
      const std::string what = "k " + std::to_string(k) + " s " + std::to_string(s);
      // Structured bindings are copied into the lambdas by name: clang 14 cannot capture them.
      const auto window = k, step = s;
      const auto padding = pad;
      expect_gradients_match([&](const auto& in) { return max_pool1d(in[0], window, step, padding, layout); }, {x},
                             "max1d " + what);
      expect_gradients_match([&](const auto& in) { return avg_pool1d(in[0], window, step, padding, layout, AvgDivisor::valid); },
                             {x}, "avg1d " + what);
    }
  }
}

TEST(GlobalPool, ValuesShapesAndGradients) {
  // [N, H, W, C] = [1, 2, 2, 2]: channel 0 holds 1..4, channel 1 holds 10, 20, 30, 40.
  const Tensor x = Tensor::from_data(Shape{1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40});
  EXPECT_EQ(values(global_avg_pool(x, kLast)), (std::vector<float>{2.5f, 25.0f}));
  EXPECT_EQ(values(global_max_pool(x, kLast)), (std::vector<float>{4, 40}));
  EXPECT_EQ(global_avg_pool(x, kLast, true).shape(), (Shape{1, 1, 1, 2}));
  const Tensor first = to_channels_first(x);
  EXPECT_EQ(values(global_avg_pool(first, kFirst)), (std::vector<float>{2.5f, 25.0f}));
  EXPECT_EQ(global_avg_pool(first, kFirst, true).shape(), (Shape{1, 2, 1, 1}));
  EXPECT_EQ(global_avg_pool(Tensor::zeros(Shape{3, 5, 4}), kLast).shape(), (Shape{3, 4}));
  Generator gen(27);
  for (const auto layout : {kLast, kFirst}) {
    for (const Shape& s : {Shape{2, 3, 2, 2}, Shape{2, 4, 3}}) {
      expect_gradients_match([&](const auto& in) { return global_avg_pool(in[0], layout); }, {random_tensor64(s, gen)},
                             "global avg " + s.str());
      expect_gradients_match([&](const auto& in) { return global_max_pool(in[0], layout, true); },
                             {random_tensor64(s, gen)}, "global max " + s.str());
    }
  }
}


TEST(Pool, BadInputIsOneClearError) {
  const Tensor x = Tensor::zeros(Shape{1, 3, 3, 1});
  expect_error_naming([&] { max_pool2d(x, {4, 4}, {1, 1}, {}, kLast); }, {"max_pool2d", "kernel size 4", "larger"});
  expect_error_naming([&] { avg_pool2d(x, {2, 2}, {0, 1}, {}, kLast, AvgDivisor::window); }, {"avg_pool2d", "stride", "got 0"});
  expect_error_naming([&] { max_pool2d(x, {2, 2}, {1, 1}, {{2, 0}, {}}, kLast); }, {"max_pool2d", "no input cell"});
  expect_error_naming([&] { max_pool2d(Tensor::zeros(Shape{3, 3}), {2, 2}, {1, 1}, {}, kLast); }, {"4-D", "[3, 3]"});
  expect_error_naming([&] { max_pool1d(Tensor::zeros(Shape{1, 3, 2}), 5, 1, {}, kLast); },
               {"max_pool1d", "[1, 3, 2]", "kernel size 5"});
  expect_error_naming([&] { global_avg_pool(Tensor::zeros(Shape{3, 3}), kLast); }, {"global_avg_pool", "[3, 3]"});
}

}  // namespace
}  // namespace duet::test
