// The activations of core/activations.h: values from PyTorch 1.13 in float64 (and the two hard
// sigmoid formulas worked by hand), derivatives on the kinks as each framework defines them, and
// every backward against central finite differences in float64.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "duet/core/activations.h"
#include "support/gradcheck.h"

namespace duet::test {
namespace {

// The probe points: both corners of each hard sigmoid, the kink at 0, and points between.
const std::vector<double> kProbe{-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0};

void expect_values(const Tensor64& y, const std::vector<double>& expected, const char* what) {
  ASSERT_EQ(y.numel(), static_cast<std::int64_t>(expected.size())) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(y.data()[static_cast<Eigen::Index>(i)], expected[i], 1e-12) << what << " at x = " << kProbe[i];
  }
}

Tensor64 probe() { return Tensor64::from_data({static_cast<std::int64_t>(kProbe.size())}, kProbe); }

// Values printed by torch.nn.functional in float64 (PyTorch 1.13) at kProbe.
TEST(Activations, ValuesMatchPyTorch) {
  expect_values(gelu(probe(), GeluApproximation::none),
                {-0.00404969409489031, -0.015524163314440398, -0.15865525393145702, 0.0, 0.841344746068543,
                 2.4844758366855597, 2.99595030590511},
                "gelu exact");
  expect_values(gelu(probe(), GeluApproximation::tanh),
                {-0.0036373920817729943, -0.015084266089998577, -0.15880800939172324, 0.0, 0.8411919906082768,
                 2.484915733910001, 2.996362607918227},
                "gelu tanh");
  expect_values(elu(probe(), 0.5),
                {-0.475106465816068, -0.4589575006880506, -0.31606027941427883, 0.0, 1.0, 2.5, 3.0}, "elu alpha 0.5");
  expect_values(selu(probe()),
                {-1.6705687287671118, -1.6137857588732423, -1.1113307378125625, 0.0, 1.0507009873554805,
                 2.626752468388701, 3.1521029620664414},
                "selu");
  expect_values(leaky_relu(probe(), 0.01), {-0.03, -0.025, -0.01, 0.0, 1.0, 2.5, 3.0}, "leaky_relu 0.01");
  expect_values(silu(probe()),
                {-0.14227761953270035, -0.18964545005310887, -0.2689414213699951, 0.0, 0.7310585786300049,
                 2.3103545499468914, 2.8577223804672998},
                "silu");
  // beta = 2, threshold = 4: x itself where 2x > 4 (x = 2.5, 3).
  expect_values(softplus(probe(), 2.0, 4.0),
                {0.0012378425688652247, 0.003357674244559034, 0.06346400552148625, 0.34657359027997264,
                 1.0634640055214863, 2.5, 3.0},
                "softplus beta 2 threshold 4");
  expect_values(hard_sigmoid(probe(), HardSigmoidForm::relu6),
                {0.0, 1.0 / 12, 1.0 / 3, 0.5, 2.0 / 3, 11.0 / 12, 1.0}, "hard_sigmoid relu6 (PyTorch Hardsigmoid)");
}

// tfjs / Keras 2: clip(0.2 x + 0.5, 0, 1), by hand: 0 at -2.5 and below, 0.3 at -1, 0.7 at 1.
TEST(Activations, HardSigmoidSlopeFifth) {
  expect_values(hard_sigmoid(probe(), HardSigmoidForm::slope_0_2), {0.0, 0.0, 0.3, 0.5, 0.7, 1.0, 1.0},
                "hard_sigmoid 0.2x + 0.5");
}

// Derivatives at the points finite differences cannot decide, as each framework's backward
// defines them: elu and leaky_relu take the negative branch at 0 (PyTorch tests x > 0), hard
// sigmoid (relu6 form) is 0 on its corners, tfjs' clip form keeps its slope there.
TEST(Activations, DerivativesOnTheKinks) {
  const auto grad_of = [](const std::function<Tensor64(const Tensor64&)>& f) {
    Tensor64 x = probe().set_requires_grad(true);
    sum(f(x)).backward();
    return x.grad();
  };
  const auto at = [](const Tensor64& g, double x) {
    for (std::size_t i = 0; i < kProbe.size(); ++i)
      if (kProbe[i] == x) return g.data()[static_cast<Eigen::Index>(i)];
    return -1.0;
  };
  EXPECT_DOUBLE_EQ(at(grad_of([](auto& x) { return elu(x, 0.5); }), 0.0), 0.5);
  EXPECT_DOUBLE_EQ(at(grad_of([](auto& x) { return leaky_relu(x, 0.2); }), 0.0), 0.2);
  const Tensor64 relu6 = grad_of([](auto& x) { return hard_sigmoid(x, HardSigmoidForm::relu6); });
  EXPECT_DOUBLE_EQ(at(relu6, -3.0), 0.0);
  EXPECT_DOUBLE_EQ(at(relu6, 3.0), 0.0);
  EXPECT_DOUBLE_EQ(at(relu6, 2.5), 1.0 / 6);
  // The corners themselves (x = -2.5, 2.5) keep the slope.
  Tensor x = Tensor::from_data({3}, std::vector<float>{-3.0f, -2.5f, 2.5f}).set_requires_grad(true);
  sum(hard_sigmoid(x, HardSigmoidForm::slope_0_2)).backward();
  EXPECT_EQ(x.grad().data()[0], 0.0f);
  EXPECT_EQ(x.grad().data()[1], 0.2f);
  EXPECT_EQ(x.grad().data()[2], 0.2f);
}

void check_gradient(const char* name, const std::function<Tensor64(const Tensor64&)>& op, double low, double high) {
  Generator gen(29);
  for (int c = 0; c < 4; ++c) {
    const Shape s{2, 1 + static_cast<std::int64_t>(c), 3};
    expect_gradients_match([&](const auto& xs) { return op(xs[0]); }, {random_tensor64(s, gen, low, high)},
                           std::string(name) + " shape " + s.str());
  }
}

// Each activation's backward on both sides of its kinks (the values avoid the kinks themselves).
TEST(Activations, GradientsMatchFiniteDifferences) {
  for (const auto& [low, high] : std::vector<std::pair<double, double>>{{-4.0, -0.05}, {0.05, 4.0}}) {
    check_gradient("elu", [](auto& x) { return elu(x, 1.3); }, low, high);
    check_gradient("selu", [](auto& x) { return selu(x); }, low, high);
    check_gradient("leaky_relu", [](auto& x) { return leaky_relu(x, 0.2); }, low, high);
  }
  check_gradient("gelu exact", [](auto& x) { return gelu(x, GeluApproximation::none); }, -4.0, 4.0);
  check_gradient("gelu tanh", [](auto& x) { return gelu(x, GeluApproximation::tanh); }, -4.0, 4.0);
  check_gradient("silu", [](auto& x) { return silu(x); }, -6.0, 6.0);
  // Below and above the threshold (beta x = 3) separately: the linear branch joins with a tiny step.
  check_gradient("softplus curve", [](auto& x) { return softplus(x, 2.0, 3.0); }, -4.0, 1.4);
  check_gradient("softplus linear", [](auto& x) { return softplus(x, 2.0, 3.0); }, 1.6, 4.0);
  check_gradient("hard_sigmoid relu6", [](auto& x) { return hard_sigmoid(x, HardSigmoidForm::relu6); }, -2.9, 2.9);
  check_gradient("hard_sigmoid relu6 flat", [](auto& x) { return hard_sigmoid(x, HardSigmoidForm::relu6); }, 3.1, 5.0);
  check_gradient("hard_sigmoid 0.2", [](auto& x) { return hard_sigmoid(x, HardSigmoidForm::slope_0_2); }, -2.4, 2.4);
  check_gradient("hard_sigmoid 0.2 flat", [](auto& x) { return hard_sigmoid(x, HardSigmoidForm::slope_0_2); }, -5.0,
                 -2.6);
}

}  // namespace
}  // namespace duet::test
