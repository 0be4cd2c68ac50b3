// Forward values against closed forms, and the error each bad input gets.
#include <gtest/gtest.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/loss.h"
#include "duet/core/ops.h"
#include "support/test_helpers.h"

namespace duet {
namespace {

// Runs `f`, expects a duet::Error whose message contains every one of `parts`.
template <typename F>
void expect_error(F&& f, std::initializer_list<const char*> parts) {
  try {
    f();
    FAIL() << "expected an error mentioning " << *parts.begin();
  } catch (const Error& e) {
    for (const char* p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST(Shape, RefusesMoreElementsThanTheLimitBeforeAllocating) {
  // 10^9 units (4 GB of float32) and products that would overflow int64 are one clear error.
  EXPECT_EQ(test::error_of([] { Tensor::zeros({1, 1000000000}); }),
            "shape: a dimension of 1000000000 after [1] makes more than 268435456 elements, Duet's limit for one "
            "tensor (1 GiB of float32)");
  EXPECT_NE(test::error_of([] { Shape({4000000000, 4000000000, 4000000000}); }).find("Duet's limit"), std::string::npos);
  EXPECT_EQ(Shape({16384, 16384}).numel(), 268435456);  // exactly at the limit is fine
}

TEST(Shape, PrintsLikePyTorchLists) {
  EXPECT_EQ((Shape{6, 1}).str(), "[6, 1]");
  EXPECT_EQ(Shape{}.str(), "[]");
  EXPECT_EQ(Tensor::zeros({2, 3, 4}).shape().str(), "[2, 3, 4]");
}

TEST(Ops, BroadcastingAddsARowToEveryRow) {
  const Tensor m = Tensor::from_rows({{1, 2, 3}, {4, 5, 6}});
  const Tensor row = Tensor::from_data({3}, {10, 20, 30});
  const Tensor col = Tensor::from_rows({{100}, {200}});
  EXPECT_EQ(add(m, row).to_rows(), (std::vector<std::vector<float>>{{11, 22, 33}, {14, 25, 36}}));
  EXPECT_EQ(add(m, col).to_rows(), (std::vector<std::vector<float>>{{101, 102, 103}, {204, 205, 206}}));
  EXPECT_EQ(add(row, col).shape(), (Shape{2, 3}));
}

TEST(Ops, BroadcastMismatchNamesOpAndShapes) {
  expect_error([] { add(Tensor::zeros({2, 3}), Tensor::zeros({4})); }, {"add", "[2, 3]", "[4]"});
}

TEST(Ops, MatmulMismatchNamesInnerDimensions) {
  expect_error([] { matmul(Tensor::zeros({3, 4}), Tensor::zeros({5, 2})); },
               {"matmul: [3, 4] x [5, 2]: inner dimensions 4 and 5 differ"});
}

TEST(Ops, MatmulValues) {
  const Tensor a = Tensor::from_rows({{1, 2}, {3, 4}});
  const Tensor b = Tensor::from_rows({{5, 6}, {7, 8}});
  EXPECT_EQ(matmul(a, b).to_rows(), (std::vector<std::vector<float>>{{19, 22}, {43, 50}}));
}

TEST(Ops, AffineLayoutsAgree) {
  const Tensor x = Tensor::from_rows({{1, 2}, {3, 4}, {5, 6}});
  const Tensor kernel = Tensor::from_rows({{1, -1, 0.5f}, {2, 0, 1}});  // [in 2, out 3]
  const Tensor bias = Tensor::from_data({3}, {0.5f, 0, -1});
  const Tensor a = affine(x, kernel, bias, WeightLayout::in_out);
  const Tensor b = affine(x, transpose(kernel), bias, WeightLayout::out_in);
  EXPECT_EQ(a.to_rows(), b.to_rows());
  EXPECT_FLOAT_EQ(a.at(0, 0), 1 + 4 + 0.5f);
}

TEST(Ops, AffineWidthMismatchIsNamed) {
  expect_error([] { affine(Tensor::zeros({6, 2}), Tensor::zeros({1, 1}), Tensor::zeros({1}), WeightLayout::in_out); },
               {"dense", "[6, 2]", "2 features", "expects 1"});
}

TEST(Ops, ReductionsAlongAxes) {
  const Tensor m = Tensor::from_rows({{1, 2, 3}, {4, 5, 6}});
  EXPECT_FLOAT_EQ(sum(m).item(), 21);
  EXPECT_FLOAT_EQ(mean(m).item(), 3.5f);
  EXPECT_EQ(sum(m, 0).shape(), (Shape{3}));
  EXPECT_EQ(sum(m, 1, true).shape(), (Shape{2, 1}));
  EXPECT_FLOAT_EQ(mean(m, -1).data()[1], 5);
  EXPECT_FLOAT_EQ(max(m, 0).data()[2], 6);
  expect_error([] { sum(Tensor::zeros({2, 3}), 2); }, {"sum", "axis 2", "[2, 3]"});
}

TEST(Ops, SigmoidAndLogSoftmaxStayFiniteAtExtremes) {
  const Tensor x = Tensor::from_data({4}, {-1000, -50, 50, 1000});
  const Tensor s = sigmoid(x);
  EXPECT_FLOAT_EQ(s.data()[0], 0.0f);
  EXPECT_FLOAT_EQ(s.data()[3], 1.0f);
  const Tensor ls = log_softmax(Tensor::from_rows({{1000, 0}, {-1000, 1000}}), -1);
  EXPECT_FLOAT_EQ(ls.at(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(ls.at(0, 1), -1000.0f);
  EXPECT_TRUE(std::isfinite(ls.at(1, 0)));
  EXPECT_FLOAT_EQ(softplus(Tensor::scalar(1000.0f)).item(), 1000.0f);
}

TEST(Ops, SoftmaxRowsSumToOne) {
  const Tensor p = softmax(Tensor::from_rows({{1, 2, 3}, {0, 0, 0}}), -1);
  EXPECT_NEAR(sum(p, 1).data()[0], 1.0f, 1e-6f);
  EXPECT_NEAR(p.at(1, 2), 1.0f / 3, 1e-6f);
}

TEST(Ops, DomainErrorsAreReported) {
  expect_error([] { log(Tensor::from_data({2}, {1.0f, -1.0f})); }, {"log", "element 1", "-1"});
  expect_error([] { sqrt(Tensor::scalar(-4.0f)); }, {"sqrt", "-4"});
}

TEST(Ops, IndexErrorsAreReported) {
  expect_error([] { gather_rows(Tensor::zeros({3, 2}), {0, 3}); }, {"gather_rows", "index 3", "3 rows"});
  expect_error([] { slice_rows(Tensor::zeros({3, 2}), 2, 5); }, {"slice_rows", "[2, 5)"});
  expect_error([] { pick(Tensor::zeros({2, 3}), {0, 3}); }, {"pick", "class index 3", "row 1"});
  expect_error([] { Tensor::zeros({2}).item(); }, {"item", "2 elements"});
}

TEST(Ops, RaggedRowsAreRejected) {
  expect_error([] { Tensor::from_rows({{1, 2}, {3}}); }, {"row 1 has 1 values", "row 0 has 2"});
}

TEST(Loss, ReductionsOfSquaredError) {
  const Tensor p = Tensor::from_rows({{1, 2}, {3, 4}});
  const Tensor y = Tensor::from_rows({{0, 0}, {0, 0}});
  EXPECT_FLOAT_EQ(squared_error(p, y, Reduction::sum).item(), 30);
  EXPECT_FLOAT_EQ(squared_error(p, y, Reduction::mean).item(), 7.5f);
  EXPECT_FLOAT_EQ(squared_error(p, y, Reduction::mean_of_row_means).item(), 7.5f);
  EXPECT_EQ(squared_error(p, y, Reduction::none).shape(), (Shape{2, 2}));
  expect_error([] { squared_error(Tensor::zeros({6, 1}), Tensor::zeros({5, 1}), Reduction::mean); },
               {"[6, 1]", "[5, 1]"});
}

TEST(Loss, ReductionsOfElementwiseLosses) {
  // |p - y| = 1, 2, 3, 4; Huber(delta 1) = 0.5, 1.5, 2.5, 3.5. Keras averages each row, then the
  // rows; PyTorch's mean is over every element (the same on a rectangle), sum adds them all.
  const Tensor p = Tensor::from_rows({{1, -2}, {3, -4}});
  const Tensor y = Tensor::zeros({2, 2});
  EXPECT_FLOAT_EQ(absolute_error(p, y, Reduction::mean_of_row_means).item(), 2.5f);
  EXPECT_FLOAT_EQ(absolute_error(p, y, Reduction::mean).item(), 2.5f);
  EXPECT_FLOAT_EQ(absolute_error(p, y, Reduction::sum).item(), 10.0f);
  EXPECT_FLOAT_EQ(huber(p, y, 1.0f, Reduction::mean_of_row_means).item(), 2.0f);
  EXPECT_FLOAT_EQ(huber(p, y, 1.0f, Reduction::sum).item(), 8.0f);
}

TEST(Loss, HuberIsQuadraticThenLinear) {
  const Tensor p = Tensor::from_data({2}, {0.5f, 3.0f});
  const Tensor y = Tensor::zeros({2});
  const Tensor l = huber(p, y, 1.0f, Reduction::none);
  EXPECT_FLOAT_EQ(l.data()[0], 0.125f);  // 0.5 * 0.5^2
  EXPECT_FLOAT_EQ(l.data()[1], 2.5f);    // 1 * (3 - 0.5)
}

TEST(Loss, BinaryCrossEntropyGuardsAtTheEdges) {
  const Tensor p = Tensor::from_data({2}, {0.0f, 1.0f});
  const Tensor y = Tensor::from_data({2}, {1.0f, 0.0f});  // both maximally wrong
  // PyTorch clamps log at -100: each term is 100.
  EXPECT_FLOAT_EQ(binary_cross_entropy(p, y, ProbabilityGuard::log_floor(), Reduction::mean).item(), 100.0f);
  // Keras clips p to [1e-7, 1 - 1e-7]: -log(1e-7) = 16.118 for the first; the second's
  // 1 - (1 - 1e-7) is 1.19e-7 in float32 (1 - 1e-7 rounds to 1 - 2^-23), so -log = 15.94.
  const Tensor keras = binary_cross_entropy(p, y, ProbabilityGuard::clip(1e-7), Reduction::none);
  EXPECT_NEAR(keras.data()[0], 16.118096f, 1e-4f);
  EXPECT_NEAR(keras.data()[1], 15.942385f, 1e-4f);
  EXPECT_THROW(binary_cross_entropy(Tensor::scalar(1.5f), Tensor::scalar(1.0f), ProbabilityGuard::log_floor(),
                                    Reduction::mean),
               Error);
}

TEST(Loss, KerasCategoricalCrossEntropyRenormalisesRowsThenClips) {
  // keras/src/backend/*/nn.py categorical_crossentropy: p / sum(p), then clip to [1e-7, 1 - 1e-7].
  // Row 0 sums to 0.5: -log(0.2 / 0.5) = 0.9162907 (without renormalising it would be -log 0.2 = 1.609).
  // Row 1 puts all mass on the wrong class: -log(1e-7) = 16.118096.
  const Tensor p = Tensor::from_rows({{0.2f, 0.2f, 0.1f}, {1.0f, 0.0f, 0.0f}});
  const Tensor onehot = Tensor::from_rows({{1, 0, 0}, {0, 1, 0}});
  const Tensor per_sample = categorical_cross_entropy(p, onehot, 1e-7, Reduction::none);
  EXPECT_NEAR(per_sample.data()[0], 0.9162907f, 1e-6f);
  EXPECT_NEAR(per_sample.data()[1], 16.118096f, 1e-4f);
  const Tensor sparse = categorical_cross_entropy(p, std::vector<std::int64_t>{0, 1}, 1e-7, Reduction::none);
  EXPECT_NEAR(sparse.data()[0], 0.9162907f, 1e-6f);
  EXPECT_NEAR(sparse.data()[1], 16.118096f, 1e-4f);
  // The gradient flows through the renormalisation: d/dp0 of -log(p0 / (p0 + p1 + p2)) = -1/p0 + 1/sum
  // = -5 + 2 = -3; d/dp1 = d/dp2 = 1/sum = 2.
  Tensor q = Tensor::from_rows({{0.2f, 0.2f, 0.1f}}).set_requires_grad(true);
  categorical_cross_entropy(q, Tensor::from_rows({{1, 0, 0}}), 1e-7, Reduction::sum).backward();
  EXPECT_NEAR(q.grad().at(0, 0), -3.0f, 1e-5f);
  EXPECT_NEAR(q.grad().at(0, 1), 2.0f, 1e-5f);
  EXPECT_NEAR(q.grad().at(0, 2), 2.0f, 1e-5f);
}

TEST(Loss, PyTorchBinaryCrossEntropyGradientIsGuardedAtOneInATrillion) {
  // aten BCELoss backward: (p - y) / max(p (1 - p), 1e-12). At p = 0, y = 1: -1 / 1e-12 = -1e12.
  Tensor p = Tensor::from_data({1}, {0.0f}).set_requires_grad(true);
  binary_cross_entropy(p, Tensor::from_data({1}, {1.0f}), ProbabilityGuard::log_floor(), Reduction::sum).backward();
  EXPECT_NEAR(p.grad().data()[0], -1e12f, 1e6f);
  // Keras clips instead: p = 0 lies below the clip range, so no gradient reaches it.
  Tensor k = Tensor::from_data({1}, {0.0f}).set_requires_grad(true);
  binary_cross_entropy(k, Tensor::from_data({1}, {1.0f}), ProbabilityGuard::clip(1e-7), Reduction::sum).backward();
  EXPECT_EQ(k.grad().data()[0], 0.0f);
}

TEST(Loss, LogitFormsAgreeWithProbabilityForms) {
  const Tensor z = Tensor::from_rows({{-2.0f, 0.5f, 3.0f}, {1.0f, -1.0f, 0.0f}});
  const Tensor y = Tensor::from_rows({{0, 1, 0}, {1, 0, 0}});
  EXPECT_NEAR(binary_cross_entropy_with_logits(z, y, Reduction::mean).item(),
              binary_cross_entropy(sigmoid(z), y, ProbabilityGuard::log_floor(), Reduction::mean).item(), 1e-6f);
  const std::vector<std::int64_t> classes{1, 0};
  const float with_indices = cross_entropy_with_logits(z, classes, Reduction::mean).item();
  EXPECT_NEAR(cross_entropy_with_logits(z, y, Reduction::mean).item(), with_indices, 1e-6f);
  EXPECT_NEAR(categorical_cross_entropy(softmax(z, -1), classes, 1e-7, Reduction::mean).item(), with_indices, 1e-6f);
  // Huge logits stay finite.
  EXPECT_FLOAT_EQ(binary_cross_entropy_with_logits(Tensor::scalar(1000.0f), Tensor::scalar(0.0f), Reduction::sum).item(),
                  1000.0f);
}

TEST(Loss, ClassErrorsAreNamed) {
  expect_error([] { cross_entropy_with_logits(Tensor::zeros({2, 3}), std::vector<std::int64_t>{0, 3}, Reduction::mean); },
               {"class index 3", "row 1"});
  expect_error([] { cross_entropy_with_logits(Tensor::zeros({2}), std::vector<std::int64_t>{0, 1}, Reduction::mean); },
               {"cross_entropy", "[2]"});
}

}  // namespace
}  // namespace duet
