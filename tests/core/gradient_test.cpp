// Every op's backward against central finite differences in float64, over many random shapes
// (fixed seeds), including broadcast shapes for the binary ops.
#include <gtest/gtest.h>

#include "duet/core/loss.h"
#include "duet/core/ops.h"
#include "support/gradcheck.h"

namespace duet::test {
namespace {

// A random shape of rank 1..max_rank with dimensions 1..4.
Shape random_shape(Generator& gen, int max_rank = 4) {
  Shape s;
  const int rank = 1 + static_cast<int>(gen.next_u32() % static_cast<std::uint32_t>(max_rank));
  for (int k = 0; k < rank; ++k) s.push_back(1 + gen.next_u32() % 4);
  return s;
}

// A shape that broadcasts against `s`: some dimensions set to 1, some leading ones dropped.
Shape broadcastable_to(const Shape& s, Generator& gen) {
  Shape out;
  const int drop = static_cast<int>(gen.next_u32() % static_cast<std::uint32_t>(s.rank()));
  for (int k = drop; k < s.rank(); ++k) out.push_back(gen.next_u32() % 2 ? s[k] : 1);
  return out;
}

constexpr int kCasesPerOp = 12;

void check_unary(const char* name, const std::function<Tensor64(const Tensor64&)>& op, double low = -2.0,
                 double high = 2.0) {
  Generator gen(11);
  for (int c = 0; c < kCasesPerOp; ++c) {
    const Shape s = random_shape(gen);
    expect_gradients_match([&](const auto& xs) { return op(xs[0]); }, {random_tensor64(s, gen, low, high)},
                           std::string(name) + " case " + std::to_string(c) + " shape " + s.str());
  }
}

void check_binary(const char* name, const std::function<Tensor64(const Tensor64&, const Tensor64&)>& op,
                  double low_b = -2.0, double high_b = 2.0) {
  Generator gen(13);
  for (int c = 0; c < kCasesPerOp; ++c) {
    Shape a = random_shape(gen), b = broadcastable_to(a, gen);
    if (c % 2) std::swap(a, b);  // broadcasting on either side
    expect_gradients_match([&](const auto& xs) { return op(xs[0], xs[1]); },
                           {random_tensor64(a, gen), random_tensor64(b, gen, low_b, high_b)},
                           std::string(name) + " case " + std::to_string(c) + " " + a.str() + " with " + b.str());
  }
}

TEST(Gradient, Add) { check_binary("add", [](auto& a, auto& b) { return add(a, b); }); }
TEST(Gradient, Sub) { check_binary("sub", [](auto& a, auto& b) { return sub(a, b); }); }
TEST(Gradient, Mul) { check_binary("mul", [](auto& a, auto& b) { return mul(a, b); }); }
// The divisor stays away from 0, where the quotient and its derivatives blow up.
TEST(Gradient, Div) { check_binary("div", [](auto& a, auto& b) { return div(a, b); }, 0.5, 2.0); }

TEST(Gradient, Neg) { check_unary("neg", [](auto& x) { return neg(x); }); }
TEST(Gradient, ScalarOps) {
  check_unary("add_scalar", [](auto& x) { return add_scalar(x, 3.0); });
  check_unary("mul_scalar", [](auto& x) { return mul_scalar(x, -1.5); });
}
TEST(Gradient, Pow) {
  check_unary("pow 3", [](auto& x) { return pow(x, 3.0); });
  check_unary("pow 0.5", [](auto& x) { return pow(x, 0.5); }, 0.2, 2.0);
}
TEST(Gradient, Square) { check_unary("square", [](auto& x) { return square(x); }); }
TEST(Gradient, Exp) { check_unary("exp", [](auto& x) { return exp(x); }); }
TEST(Gradient, Log) { check_unary("log", [](auto& x) { return log(x); }, 0.2, 3.0); }
TEST(Gradient, Sqrt) { check_unary("sqrt", [](auto& x) { return sqrt(x); }, 0.2, 3.0); }
// Values are drawn away from the kinks (0 for abs and relu, the bounds for clamp), where the
// function has no derivative and finite differences straddle two slopes.
TEST(Gradient, Abs) {
  check_unary("abs positive", [](auto& x) { return abs(x); }, 0.1, 2.0);
  check_unary("abs negative", [](auto& x) { return abs(x); }, -2.0, -0.1);
}
TEST(Gradient, Relu) {
  check_unary("relu positive", [](auto& x) { return relu(x); }, 0.1, 2.0);
  check_unary("relu negative", [](auto& x) { return relu(x); }, -2.0, -0.1);
}
// Exactly on a kink finite differences cannot decide; the frameworks define the derivative, and
// both pick 0 there: PyTorch's abs backward is sgn(x) (sgn(0) = 0) and relu's is threshold_backward
// (x > 0); TensorFlow's AbsGrad is sign(x) and ReluGrad passes where x > 0.
TEST(Gradient, KinksAtZeroHaveTheFrameworksDerivative) {
  using Rows = std::vector<std::vector<float>>;
  Tensor x = Tensor::from_rows({{-1.0f, 0.0f, 1.0f}}).set_requires_grad(true);
  sum(abs(x)).backward();
  EXPECT_EQ(x.grad().to_rows(), (Rows{{-1, 0, 1}})) << "d|x|/dx at -1, 0, 1";
  x.zero_grad();
  sum(relu(x)).backward();
  EXPECT_EQ(x.grad().to_rows(), (Rows{{0, 0, 1}})) << "relu'(x) at -1, 0, 1";
  // A residual of exactly zero in mean absolute error contributes no gradient (Keras and PyTorch).
  Tensor p = Tensor::from_rows({{2.0f, 3.0f}}).set_requires_grad(true);
  absolute_error(p, Tensor::from_rows({{2.0f, 1.0f}}), Reduction::mean).backward();
  EXPECT_EQ(p.grad().to_rows(), (Rows{{0, 0.5f}}));
}

TEST(Gradient, Clamp) { check_unary("clamp", [](auto& x) { return clamp(x, -1.05, 1.05); }, -1.0, 1.0); }
TEST(Gradient, Sigmoid) { check_unary("sigmoid", [](auto& x) { return sigmoid(x); }, -6.0, 6.0); }
TEST(Gradient, Tanh) { check_unary("tanh", [](auto& x) { return tanh(x); }); }
TEST(Gradient, Softplus) { check_unary("softplus", [](auto& x) { return softplus(x); }, -6.0, 6.0); }

TEST(Gradient, Reductions) {
  check_unary("sum", [](auto& x) { return sum(x); });
  check_unary("mean", [](auto& x) { return mean(x); });
  Generator gen(17);
  for (int c = 0; c < kCasesPerOp; ++c) {
    const Shape s = random_shape(gen);
    const int axis = static_cast<int>(gen.next_u32() % static_cast<std::uint32_t>(s.rank()));
    const bool keep = c % 2;
    const auto x = random_tensor64(s, gen);
    const std::string where = " axis " + std::to_string(axis) + " shape " + s.str();
    expect_gradients_match([&](const auto& xs) { return sum(xs[0], axis, keep); }, {x}, "sum" + where);
    expect_gradients_match([&](const auto& xs) { return mean(xs[0], axis, keep); }, {x}, "mean" + where);
    // Distinct values (random doubles) so the maximum is unique and differentiable.
    expect_gradients_match([&](const auto& xs) { return max(xs[0], axis, keep); }, {x}, "max" + where);
  }
  check_unary("max all", [](auto& x) { return max(x); });
}

TEST(Gradient, Matmul) {
  Generator gen(19);
  for (int c = 0; c < kCasesPerOp; ++c) {
    const std::int64_t n = 1 + gen.next_u32() % 4, k = 1 + gen.next_u32() % 4, m = 1 + gen.next_u32() % 4;
    expect_gradients_match([](const auto& xs) { return matmul(xs[0], xs[1]); },
                           {random_tensor64({n, k}, gen), random_tensor64({k, m}, gen)}, "matmul 2-D");
    const std::int64_t b = 1 + gen.next_u32() % 3;
    expect_gradients_match([](const auto& xs) { return matmul(xs[0], xs[1]); },
                           {random_tensor64({b, n, k}, gen), random_tensor64({b, k, m}, gen)}, "matmul batched");
    expect_gradients_match([](const auto& xs) { return matmul(xs[0], xs[1]); },
                           {random_tensor64({b, n, k}, gen), random_tensor64({k, m}, gen)}, "matmul shared rhs");
  }
}

TEST(Gradient, AffineBothLayouts) {
  Generator gen(23);
  for (int c = 0; c < kCasesPerOp; ++c) {
    const std::int64_t n = 1 + gen.next_u32() % 5, in = 1 + gen.next_u32() % 4, out = 1 + gen.next_u32() % 4;
    expect_gradients_match([](const auto& xs) { return affine(xs[0], xs[1], xs[2], WeightLayout::in_out); },
                           {random_tensor64({n, in}, gen), random_tensor64({in, out}, gen), random_tensor64({out}, gen)},
                           "affine in_out");
    expect_gradients_match([](const auto& xs) { return affine(xs[0], xs[1], xs[2], WeightLayout::out_in); },
                           {random_tensor64({n, in}, gen), random_tensor64({out, in}, gen), random_tensor64({out}, gen)},
                           "affine out_in");
    expect_gradients_match([](const auto& xs) { return affine(xs[0], xs[1], Tensor64(), WeightLayout::out_in); },
                           {random_tensor64({n, in}, gen), random_tensor64({out, in}, gen)}, "affine no bias");
  }
}

TEST(Gradient, ShapeOps) {
  Generator gen(29);
  expect_gradients_match([](const auto& xs) { return reshape(xs[0], Shape{3, 4}); }, {random_tensor64({2, 6}, gen)},
                         "reshape");
  expect_gradients_match([](const auto& xs) { return transpose(xs[0]); }, {random_tensor64({2, 5}, gen)}, "transpose");
  expect_gradients_match([](const auto& xs) { return slice_rows(xs[0], 1, 3); }, {random_tensor64({4, 3}, gen)},
                         "slice_rows");
  expect_gradients_match([](const auto& xs) { return gather_rows(xs[0], {2, 0, 2, 3}); },
                         {random_tensor64({4, 2}, gen)}, "gather_rows with a repeated row");
  expect_gradients_match([](const auto& xs) { return concat(std::vector{xs[0], xs[1]}, 0); },
                         {random_tensor64({2, 3}, gen), random_tensor64({1, 3}, gen)}, "concat axis 0");
  expect_gradients_match([](const auto& xs) { return concat(std::vector{xs[0], xs[1]}, 1); },
                         {random_tensor64({2, 3}, gen), random_tensor64({2, 2}, gen)}, "concat axis 1");
  expect_gradients_match([](const auto& xs) { return pick(xs[0], {2, 0, 1}); }, {random_tensor64({3, 3}, gen)}, "pick");
}

TEST(Gradient, Softmax) {
  Generator gen(31);
  for (int c = 0; c < kCasesPerOp; ++c) {
    const Shape s = random_shape(gen, 3);
    const int axis = static_cast<int>(gen.next_u32() % static_cast<std::uint32_t>(s.rank()));
    const auto x = random_tensor64(s, gen, -4, 4);
    expect_gradients_match([&](const auto& xs) { return softmax(xs[0], axis); }, {x}, "softmax " + s.str());
    expect_gradients_match([&](const auto& xs) { return log_softmax(xs[0], axis); }, {x}, "log_softmax " + s.str());
  }
}

TEST(Gradient, Losses) {
  Generator gen(37);
  for (auto reduction : {Reduction::none, Reduction::sum, Reduction::mean, Reduction::mean_of_row_means}) {
    const auto p = random_tensor64({5, 3}, gen), y = random_tensor64({5, 3}, gen);
    expect_gradients_match([&](const auto& xs) { return squared_error(xs[0], xs[1], reduction); }, {p, y},
                           "squared_error");
    expect_gradients_match([&](const auto& xs) { return absolute_error(xs[0], xs[1], reduction); }, {p, y},
                           "absolute_error");
    expect_gradients_match([&](const auto& xs) { return huber(xs[0], xs[1], 0.7, reduction); }, {p, y}, "huber");
  }
}

TEST(Gradient, ClassificationLosses) {
  Generator gen(41);
  const std::vector<std::int64_t> classes{2, 0, 1, 2};
  for (auto reduction : {Reduction::none, Reduction::sum, Reduction::mean}) {
    // Probabilities inside (0.05, 0.95), away from the clipping edges.
    const auto p = random_tensor64({4, 3}, gen, 0.05, 0.95), y = random_tensor64({4, 3}, gen, 0.0, 1.0);
    const auto z = random_tensor64({4, 3}, gen, -4.0, 4.0);
    for (auto guard : {ProbabilityGuard::clip(1e-7), ProbabilityGuard::log_floor()}) {
      expect_gradients_match([&](const auto& xs) { return binary_cross_entropy(xs[0], xs[1], guard, reduction); },
                             {p, y}, "binary_cross_entropy");
    }
    expect_gradients_match([&](const auto& xs) { return binary_cross_entropy_with_logits(xs[0], xs[1], reduction); },
                           {z, y}, "binary_cross_entropy_with_logits");
    expect_gradients_match([&](const auto& xs) { return categorical_cross_entropy(xs[0], xs[1], 1e-7, reduction); }, {p, y},
                           "categorical_cross_entropy");
    expect_gradients_match([&](const auto& xs) { return categorical_cross_entropy(xs[0], classes, 1e-7, reduction); }, {p},
                           "sparse categorical_cross_entropy");
    expect_gradients_match([&](const auto& xs) { return cross_entropy_with_logits(xs[0], xs[1], reduction); }, {z, y},
                           "cross_entropy_with_logits, probability targets");
    expect_gradients_match([&](const auto& xs) { return cross_entropy_with_logits(xs[0], classes, reduction); }, {z},
                           "cross_entropy_with_logits, class indices");
    expect_gradients_match(
        [&](const auto& xs) { return negative_log_likelihood(log_softmax(xs[0], -1), classes, reduction); }, {z},
        "negative_log_likelihood");
  }
}

}  // namespace
}  // namespace duet::test
