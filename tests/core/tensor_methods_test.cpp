// The PyTorch-style tensor methods: gradients of the new differentiable ops against finite
// differences, values against closed forms and PyTorch's documented results, dtypes as PyTorch
// assigns them, and errors that name the dimension, index and sizes.
#include <gtest/gtest.h>

#include <cmath>

#include "duet/core/ops.h"
#include "support/gradcheck.h"
#include "support/test_helpers.h"
#include "support/tensor_checks.h"

namespace duet::test {
namespace {

using indexing::None;
using indexing::Slice;

// 0, 1, 2, ... in the given shape (float64, for gradient checks and exact values).
Tensor64 iota64(const Shape& s) {
  Tensor64::Array v(s.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return Tensor64::from_array(s, v);
}
Tensor iota(const Shape& s) {
  Tensor::Array v(s.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return Tensor::from_array(s, v);
}
std::vector<double> values(const Tensor64& t) { return {t.data().begin(), t.data().end()}; }
using test::values;  // the float overload, from support/tensor_checks.h

TEST(TensorMethodsGradient, SinCos) {
  Generator gen(3);
  for (const Shape& s : {Shape{4}, Shape{2, 3}, Shape{2, 1, 3}}) {
    expect_gradients_match([](const auto& xs) { return xs[0].sin(); }, {random_tensor64(s, gen)}, "sin " + s.str());
    expect_gradients_match([](const auto& xs) { return xs[0].cos(); }, {random_tensor64(s, gen)}, "cos " + s.str());
  }
}

TEST(TensorMethodsGradient, PowWithATensorExponentBroadcasts) {
  // The polynomial-fit pattern: x.unsqueeze(-1).pow(p) with x [5], p [3] -> [5, 3]; bases
  // positive so that d/dexponent = x^p log x is defined.
  Generator gen(5);
  expect_gradients_match([](const auto& xs) { return xs[0].unsqueeze(-1).pow(xs[1]); },
                         {random_tensor64({5}, gen, 0.3, 2.0), random_tensor64({3}, gen, 0.5, 3.0)}, "pow [5,1]^[3]");
  // At x = 0 PyTorch's pow_backward_exponent gives 0, not 0 * log 0 = NaN.
  Tensor64 x = Tensor64::from_data({2}, {0.0, 2.0}).set_requires_grad(true);
  Tensor64 p = Tensor64::from_data({2}, {2.0, 3.0}).set_requires_grad(true);
  x.pow(p).sum().backward();
  EXPECT_EQ(values(p.grad()), (std::vector<double>{0.0, 8.0 * std::log(2.0)}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.0, 12.0}));
}

TEST(TensorMethodsGradient, IndexingOpsSendGradientsBack) {
  Generator gen(9);
  const auto x = [&] { return std::vector<Tensor64>{random_tensor64({3, 4, 2}, gen)}; };
  expect_gradients_match([](const auto& xs) { return xs[0].select(1, -1); }, x(), "select");
  expect_gradients_match([](const auto& xs) { return xs[0].narrow(1, 1, 2); }, x(), "narrow");
  expect_gradients_match([](const auto& xs) { return xs[0].slice(1, 0, 4, 2); }, x(), "slice step 2");
  expect_gradients_match([](const auto& xs) { return xs[0].permute({2, 0, 1}); }, x(), "permute");
  expect_gradients_match([](const auto& xs) { return xs[0].transpose(0, 2); }, x(), "transpose");
  expect_gradients_match([](const auto& xs) { return xs[0].index({Slice(), 0}); }, x(), "index [:, 0]");
  expect_gradients_match([](const auto& xs) { return xs[0].index({"...", 1}); }, x(), "index [..., 1]");
  expect_gradients_match([](const auto& xs) { return std::get<0>(xs[0].min(1)); }, x(), "min(dim)");
  expect_gradients_match([](const auto& xs) { return xs[0].clone() * xs[0]; }, x(), "clone stays in the graph");
  expect_gradients_match([](const auto& xs) { return xs[0].flatten(0, 1); }, x(), "flatten");
}

TEST(TensorMethods, IndexingFollowsPython) {
  const Tensor64 x = iota64({3, 4});  // [[0 1 2 3] [4 5 6 7] [8 9 10 11]]
  EXPECT_EQ(values(x.index({Slice(), 0})), (std::vector<double>{0, 4, 8}));
  EXPECT_EQ(values(x.index({-1})), (std::vector<double>{8, 9, 10, 11}));
  EXPECT_EQ(values(x.index({Slice(1, None), Slice(None, None, 2)})), (std::vector<double>{4, 6, 8, 10}));
  EXPECT_EQ(values(x.index({Slice(-2, 100), 3})), (std::vector<double>{7, 11}));  // ends clamp as in Python
  EXPECT_EQ(x.index({Slice(2, 1)}).shape(), (Shape{0, 4}));
  EXPECT_EQ(values(x.t().index({0})), (std::vector<double>{0, 4, 8}));
  EXPECT_EQ(values(x.permute({1, 0}).reshape({-1})), values(x.t().flatten()));
  EXPECT_EQ(x.unsqueeze(0).shape(), (Shape{1, 3, 4}));
  EXPECT_EQ(x.unsqueeze(-1).shape(), (Shape{3, 4, 1}));
  EXPECT_EQ(x.view({2, -1}).shape(), (Shape{2, 6}));
  EXPECT_EQ(x.view({1, 3, 1, 4}).squeeze().shape(), (Shape{3, 4}));
  EXPECT_EQ(x.view({1, 12}).squeeze(0).shape(), (Shape{12}));
  EXPECT_EQ(x.view({1, 12}).squeeze(1).shape(), (Shape{1, 12}));
  EXPECT_EQ(values(x.narrow(1, 2, 2).select(0, 1)), (std::vector<double>{6, 7}));
}

TEST(TensorMethods, BadIndicesNameDimensionIndexAndSize) {
  const Tensor x = iota({3, 4});
  EXPECT_EQ(error_of([&] { x.select(1, 4); }),
            "select: index 4 is out of range for dimension 1 with size 4 (shape [3, 4])");
  EXPECT_EQ(error_of([&] { x.index({Slice(), -5}); }),
            "index: index -5 is out of range for dimension 1 with size 4 (shape [3, 4])");
  EXPECT_EQ(error_of([&] { x.index({3}); }), "index: index 3 is out of range for dimension 0 with size 3 (shape [3, 4])");
  EXPECT_EQ(error_of([&] { x.view({5, 3}); }), "view: shape '[5, 3]' is invalid for input of size 12 (shape [3, 4])");
  EXPECT_EQ(error_of([&] { x.view({-1, 5}); }), "view: shape '[-1, 5]' is invalid for input of size 12 (shape [3, 4])");
  EXPECT_NE(error_of([&] { x.sum(2); }).find("Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { x.narrow(0, 2, 2); }).find("exceeds dimension 0 of size 3"), std::string::npos);
}

TEST(TensorMethods, ReductionsWithDimAndKeepdim) {
  const Tensor x = Tensor::from_rows({{1, 5, 2}, {7, 0, 7}});
  EXPECT_EQ(values(x.sum(0)), (std::vector<float>{8, 5, 9}));
  EXPECT_EQ(x.sum(1, true).shape(), (Shape{2, 1}));
  EXPECT_NEAR(x.mean(1).data()[0], 8.0 / 3, 1e-6);
  EXPECT_NEAR(x.mean(1).data()[1], 14.0 / 3, 1e-6);
  const auto [mx, imx] = x.max(1);
  EXPECT_EQ(values(mx), (std::vector<float>{5, 7}));
  EXPECT_EQ(values(imx), (std::vector<float>{1, 0}));  // the first maximum wins, as in PyTorch
  EXPECT_EQ(imx.dtype(), DType::int64);
  const auto [mn, imn] = x.min(0, true);
  EXPECT_EQ(values(mn), (std::vector<float>{1, 0, 2}));
  EXPECT_EQ(mn.shape(), (Shape{1, 3}));
  EXPECT_EQ(values(imn), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(x.argmax().item<std::int64_t>(), 3);  // flat index of the first 7
  EXPECT_EQ(values(x.argmin(1)), (std::vector<float>{0, 1}));
  EXPECT_EQ(x.max().item<float>(), 7.0f);
  EXPECT_EQ(x.min().item<float>(), 0.0f);
}

TEST(TensorMethods, DtypesFollowPyTorch) {
  const Tensor a = Tensor::from_data({3}, {1, 2, 3}), b = Tensor::from_data({3}, {1, 0, 5});
  const Tensor eq = a == b;
  EXPECT_EQ(eq.dtype(), DType::boolean);
  EXPECT_EQ(values(eq), (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(values(a.gt(b)), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(values(a >= 2), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(values(a.lt(2.5)), (std::vector<float>{1, 1, 0}));
  // (pred == target).sum() counts as int64, the classifier-accuracy idiom.
  const Tensor count = eq.sum();
  EXPECT_EQ(count.dtype(), DType::int64);
  EXPECT_EQ(count.item<std::int64_t>(), 1);
  const Tensor idx = Tensor::from_data({3}, {-1.7f, 0.2f, 2.9f}).to(DType::int64);
  EXPECT_EQ(values(idx), (std::vector<float>{-1, 0, 2}));  // truncation toward zero
  EXPECT_EQ((idx + 1).dtype(), DType::int64);
  EXPECT_EQ((2 * idx).dtype(), DType::int64);
  EXPECT_EQ((idx * 0.5).dtype(), DType::float32);
  EXPECT_EQ((idx / 2).dtype(), DType::float32);  // true division
  EXPECT_EQ((idx + a).dtype(), DType::float32);
  EXPECT_EQ(idx.to(DType::float32).dtype(), DType::float32);
  EXPECT_EQ(values(a.to(DType::boolean)), (std::vector<float>{1, 1, 1}));
  EXPECT_TRUE(a.to(DType::float32).same_as(a));
  EXPECT_EQ(idx.index({Slice(1, None)}).dtype(), DType::int64);
  EXPECT_EQ(error_of([&] { Tensor(idx).set_requires_grad(true); }),
            "requires_grad: only tensors of floating point dtype can require gradients, got int64");
  EXPECT_NE(error_of([&] { idx.mean(); }).find("Got: int64"), std::string::npos);
  EXPECT_NE(error_of([&] { Tensor::scalar(3e7f).to(DType::int64); }).find("2^24"), std::string::npos);
  EXPECT_NE(error_of([&] { a.to(DType::float64); }).find("float32"), std::string::npos);
}

TEST(TensorMethods, ScalarsOnEitherSide) {
  const Tensor x = Tensor::from_data({2}, {1, 4});
  EXPECT_EQ(values(x + 1), (std::vector<float>{2, 5}));
  EXPECT_EQ(values(1 + x), (std::vector<float>{2, 5}));
  EXPECT_EQ(values(x - 1), (std::vector<float>{0, 3}));
  EXPECT_EQ(values(1 - x), (std::vector<float>{0, -3}));
  EXPECT_EQ(values(2 * x), (std::vector<float>{2, 8}));
  EXPECT_EQ(values(x / 2), (std::vector<float>{0.5f, 2}));
  EXPECT_EQ(values(4.0 / x), (std::vector<float>{4, 1}));
  Tensor64 w = Tensor64::from_data({2}, {1.0, 4.0}).set_requires_grad(true);
  (3.0 / w).sum().backward();  // d(3/w)/dw = -3/w^2
  EXPECT_EQ(values(w.grad()), (std::vector<double>{-3.0, -3.0 / 16}));
}

TEST(TensorMethods, EqualAndAllclose) {
  const Tensor a = Tensor::from_data({2}, {1.0f, 2.0f});
  EXPECT_TRUE(a.equal(Tensor::from_data({2}, {1.0f, 2.0f})));
  EXPECT_FALSE(a.equal(Tensor::from_data({1, 2}, {1.0f, 2.0f})));  // shapes differ
  EXPECT_TRUE(a.allclose(Tensor::from_data({2}, {1.0f, 2.00001f})));  // within rtol 1e-5 * 2
  EXPECT_FALSE(a.allclose(Tensor::from_data({2}, {1.0f, 2.001f})));
  EXPECT_TRUE(a.allclose(Tensor::from_data({2}, {1.0f, 2.001f}), 1e-3));
  const Tensor nan = Tensor::from_data({1}, {NAN});
  EXPECT_FALSE(nan.allclose(nan));
  EXPECT_TRUE(nan.allclose(nan, 1e-5, 1e-8, true));
}

TEST(TensorMethods, DetachCopiesAndCloneStaysInTheGraph) {
  Tensor w = Tensor::from_data({2}, {1, 2}).set_requires_grad(true);
  const Tensor c = w.clone(), d = w.detach();
  EXPECT_TRUE(c.requires_grad());
  EXPECT_FALSE(c.is_leaf());
  EXPECT_FALSE(d.requires_grad());
  (c * 3.0f).sum().backward();
  EXPECT_EQ(values(w.grad()), (std::vector<float>{3, 3}));
}

TEST(TensorMethods, InPlaceUpdatesRunOutsideTheGraph) {
  Tensor w = Tensor::from_data({2}, {1, 2}).set_requires_grad(true);
  (w * w).sum().backward();  // grad 2w = [2, 4]
  EXPECT_NE(error_of([&] { w -= 0.1f * w.grad(); }).find("leaf Variable that requires grad"), std::string::npos);
  {
    NoGradGuard no_grad;
    w -= 0.5 * w.grad();  // the "Learning PyTorch with Examples" update
  }
  EXPECT_EQ(values(w), (std::vector<float>{0, 0}));
  w.grad().zero_();
  EXPECT_EQ(values(w.grad()), (std::vector<float>{0, 0}));
  Tensor m = Tensor::zeros({2, 2});
  m += Tensor::from_data({2}, {1, 2});  // broadcast into m's shape
  m *= 2;
  EXPECT_EQ(values(m), (std::vector<float>{2, 4, 2, 4}));
  EXPECT_NE(error_of([&] { Tensor::zeros({2}).add_(Tensor::zeros({2, 2})); }).find("doesn't match the broadcast shape"),
            std::string::npos);
  Tensor counts = Tensor::zeros({2}).to(DType::int64);
  EXPECT_NE(error_of([&] { counts += Tensor::zeros({2}); }).find("can't be cast to the desired output type int64"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::test
