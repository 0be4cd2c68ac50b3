// Sequence ops and recurrent layers: backward against finite differences in float64, forward
// against a plain scalar re-implementation of each cell's equations, and the orthogonal
// initialiser's defining properties (Q^T Q = I, and the frameworks' sign convention).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <vector>
#include <algorithm>

#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/core/lstm_cell.h"
#include "duet/core/recurrent.h"
#include "duet/core/sequence.h"
#include "support/gradcheck.h"

namespace duet::test {
namespace {

using recurrent::GruGates;
using recurrent::ResetGate;
using recurrent::Weights;

const recurrent::Activation<double> kTanh = [](const Tensor64& x) { return duet::tanh(x); };
const recurrent::Activation<double> kSigmoid = [](const Tensor64& x) { return sigmoid(x); };

TEST(SequenceOps, TimeStepStackAndColumnsGradients) {
  Generator gen(3);
  expect_gradients_match([](const auto& xs) { return time_step(xs[0], 1); }, {random_tensor64({2, 3, 4}, gen)},
                         "time_step");
  expect_gradients_match([](const auto& xs) { return stack_steps(std::vector<Tensor64>{xs[0], xs[1], xs[0]}); },
                         {random_tensor64({2, 3}, gen), random_tensor64({2, 3}, gen)}, "stack_steps");
  expect_gradients_match([](const auto& xs) { return columns(xs[0], 2, 5); }, {random_tensor64({3, 6}, gen)},
                         "columns");
}

TEST(SequenceOps, StackThenStepRoundTrips) {
  const Tensor a = Tensor::from_rows({{1, 2}, {3, 4}}), b = Tensor::from_rows({{5, 6}, {7, 8}});
  const Tensor s = stack_steps(std::vector<Tensor>{a, b});
  EXPECT_EQ(s.shape(), (Shape{2, 2, 2}));
  // row 1, step 0 is a's second row; row 0, step 1 is b's first row
  EXPECT_FLOAT_EQ(s.data()[4], 3.0f);
  EXPECT_FLOAT_EQ(s.data()[2], 5.0f);
  EXPECT_TRUE((time_step(s, 1).data() == b.data()).all());
}

TEST(Embedding, ScatterAddsRepeatedIdsAndFreezesThePaddingRow) {
  Generator gen(5);
  const std::vector<std::int64_t> ids{0, 2, 2, 1, 0, 2};
  expect_gradients_match([&](const auto& xs) { return embedding_lookup(xs[0], ids, Shape{2, 3}); },
                         {random_tensor64({3, 2}, gen)}, "embedding");
  Tensor table = Tensor::from_rows({{1, 2}, {3, 4}, {5, 6}}).set_requires_grad(true);
  const Tensor out = embedding_lookup(table, ids, Shape{2, 3}, std::int64_t{2});
  EXPECT_EQ(out.shape(), (Shape{2, 3, 2}));
  EXPECT_FLOAT_EQ(out.data()[2], 5.0f);  // row 0, step 1 -> id 2 -> [5, 6]
  sum(out).backward();
  // id 0 appears twice, id 1 once, id 2 three times but is frozen (PyTorch's padding_idx)
  EXPECT_FLOAT_EQ(table.grad().data()[0], 2.0f);
  EXPECT_FLOAT_EQ(table.grad().data()[2], 1.0f);
  EXPECT_FLOAT_EQ(table.grad().data()[4], 0.0f);
}

TEST(Embedding, BadTokenIdsNameRowStepAndValue) {
  const auto message = [](const Tensor& ids) {
    try {
      token_indices(ids, 4, "Embedding");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(Tensor::from_rows({{0, 1}, {2, -1}})).find("token id -1 at row 1, step 1 is negative"),
            std::string::npos);
  EXPECT_NE(message(Tensor::from_rows({{0, 1.5f}})).find("token id 1.5 at row 0, step 1 is not a whole number"),
            std::string::npos);
  EXPECT_NE(message(Tensor::from_rows({{4, 1}})).find("token id 4 at row 0, step 0 is not below"), std::string::npos);
  EXPECT_EQ(token_indices(Tensor::from_rows({{3, 1}}), 4, "Embedding"), (std::vector<std::int64_t>{3, 1}));
}

// ---- a scalar reference of each cell, written from the equations (independent of the ops) ----
using Mat = Eigen::MatrixXd;
Mat to_mat(const Tensor64& t, std::int64_t rows, std::int64_t cols) {
  Mat m(rows, cols);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) m(r, c) = t.data()[r * cols + c];
  return m;
}
double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// Keras layout (in_out, one bias row per side): returns every h_t as [N, T, H] flattened.
std::vector<double> reference_gru(const Tensor64& x, const Weights<double>& w, GruGates g, ResetGate reset) {
  const std::int64_t n = x.shape()[0], steps = x.shape()[1], f = x.shape()[2], h = w.recurrent.shape()[0];
  const Mat W = to_mat(w.input, f, 3 * h), U = to_mat(w.recurrent, h, 3 * h);
  const Mat bi = to_mat(w.input_bias, 1, 3 * h), bh = to_mat(w.recurrent_bias, 1, 3 * h);
  std::vector<double> out;
  std::vector<Mat> hs(static_cast<std::size_t>(n), Mat::Zero(1, h));
  std::vector<double> flat(static_cast<std::size_t>(n * steps * h));
  for (std::int64_t t = 0; t < steps; ++t) {
    for (std::int64_t i = 0; i < n; ++i) {
      Mat xt(1, f);
      for (std::int64_t k = 0; k < f; ++k) xt(0, k) = x.data()[(i * steps + t) * f + k];
      const Mat hp = hs[static_cast<std::size_t>(i)];
      const Mat xp = xt * W + bi, inner = hp * U + bh;
      Mat hn(1, h);
      for (std::int64_t u = 0; u < h; ++u) {
        const double z = sig(xp(0, g.update * h + u) + inner(0, g.update * h + u));
        const double r = sig(xp(0, g.reset * h + u) + inner(0, g.reset * h + u));
        double cand;
        if (reset == ResetGate::after_product) {
          cand = std::tanh(xp(0, g.candidate * h + u) + r * inner(0, g.candidate * h + u));
        } else {
          double acc = bh(0, g.candidate * h + u);
          for (std::int64_t k = 0; k < h; ++k) {
            const double rk = sig(xp(0, g.reset * h + k) + inner(0, g.reset * h + k));
            acc += rk * hp(0, k) * U(k, g.candidate * h + u);
          }
          cand = std::tanh(xp(0, g.candidate * h + u) + acc);
        }
        hn(0, u) = z * hp(0, u) + (1 - z) * cand;
        flat[static_cast<std::size_t>((i * steps + t) * h + u)] = hn(0, u);
      }
      hs[static_cast<std::size_t>(i)] = hn;
    }
  }
  return flat;
}

Weights<double> random_weights(std::int64_t f, std::int64_t h, std::int64_t gates, Generator& gen) {
  return {random_tensor64({f, gates * h}, gen, -1, 1), random_tensor64({h, gates * h}, gen, -1, 1),
          random_tensor64({gates * h}, gen, -1, 1), random_tensor64({gates * h}, gen, -1, 1), WeightLayout::in_out};
}

TEST(Recurrent, GruMatchesTheEquationsForBothGateOrdersAndResetPlacements) {
  Generator gen(9);
  const Tensor64 x = random_tensor64({2, 3, 2}, gen);
  const Weights<double> w = random_weights(2, 3, 3, gen);
  const Tensor64 h0 = Tensor64::zeros({2, 3});
  for (GruGates g : {GruGates{0, 1, 2}, GruGates{1, 0, 2}}) {
    for (ResetGate reset : {ResetGate::after_product, ResetGate::before_product}) {
      const Tensor64 out = recurrent::gru(x, h0, w, g, reset, kTanh, kSigmoid);
      const auto expected = reference_gru(x, w, g, reset);
      ASSERT_EQ(out.numel(), static_cast<std::int64_t>(expected.size()));
      for (std::size_t k = 0; k < expected.size(); ++k) {
        EXPECT_NEAR(out.data()[static_cast<Eigen::Index>(k)], expected[k], 1e-12)
            << "update block " << g.update << ", reset " << (reset == ResetGate::after_product ? "after" : "before")
            << ", element " << k;
      }
    }
  }
}

TEST(Recurrent, LstmMatchesOneHandWorkedStep) {
  // One unit, one feature, one step, h0 = c0 = 0: z = x W + b (U does not matter at h0 = 0).
  // W = [0.1, 0.2, 0.3, 0.4] (i, f, c, o), b = [0, 1, 0, 0], x = 2:
  // i = sig(0.2), c = i * tanh(0.6) (f multiplies c0 = 0), h = sig(0.8) * tanh(c).
  Weights<double> w{Tensor64::from_rows({{0.1, 0.2, 0.3, 0.4}}), Tensor64::from_rows({{5, 5, 5, 5}}),
                    Tensor64::from_data({4}, {0, 1, 0, 0}), Tensor64(), WeightLayout::in_out};
  const Tensor64 x = Tensor64::from_data({1, 1, 1}, {2.0});
  const auto r = recurrent::lstm(x, Tensor64::zeros({1, 1}), Tensor64::zeros({1, 1}), w, kTanh, kSigmoid);
  const double c = sig(0.2) * std::tanh(0.6);
  EXPECT_NEAR(r.cell.item(), c, 1e-15);
  EXPECT_NEAR(r.outputs.item(), sig(0.8) * std::tanh(c), 1e-15);
}

TEST(Recurrent, GradientsOfEachLayerBothLayouts) {
  Generator gen(13);
  const Tensor64 x = random_tensor64({2, 3, 2}, gen);
  for (WeightLayout layout : {WeightLayout::in_out, WeightLayout::out_in}) {
    for (std::int64_t gates : {1, 3, 4}) {
      const std::int64_t h = 2;
      const bool in_out = layout == WeightLayout::in_out;
      const Shape wi = in_out ? Shape{2, gates * h} : Shape{gates * h, 2};
      const Shape wh = in_out ? Shape{h, gates * h} : Shape{gates * h, h};
      const auto run = [&, gates](const std::vector<Tensor64>& xs) {
        const Weights<double> w{xs[1], xs[2], xs[3], xs[4], layout};
        if (gates == 1) return recurrent::simple_rnn(xs[0], xs[5], w, kTanh);
        if (gates == 4) {
          const auto r = recurrent::lstm(xs[0], xs[5], xs[5] * 0.5, w, kTanh, kSigmoid);
          return r.outputs + sum(r.cell);
        }
        return recurrent::gru(xs[0], xs[5], w, GruGates{1, 0, 2}, ResetGate::before_product, kTanh, kSigmoid) +
               recurrent::gru(xs[0], xs[5], w, GruGates{}, ResetGate::after_product, kTanh, kSigmoid);
      };
      expect_gradients_match(run,
                             {x, random_tensor64(wi, gen, -1, 1), random_tensor64(wh, gen, -1, 1),
                              random_tensor64({gates * h}, gen, -1, 1), random_tensor64({gates * h}, gen, -1, 1),
                              random_tensor64({2, h}, gen, -1, 1)},
                             "recurrent layer with " + std::to_string(gates) + " gate blocks");
    }
  }
}

// The fused LSTM cell (lstm_cell.h) runs when the activations are the known tanh and sigmoid; the
// lambdas kTanh / kSigmoid above keep the loop of graph ops, the independent path compared here.
TEST(FusedLstm, MatchesTheLoopOfGraphOpsBothLayoutsWithAndWithoutRecurrentBias) {
  Generator gen(17);
  const Tensor64 x = random_tensor64({3, 4, 2}, gen);
  const Tensor64 h0 = random_tensor64({3, 5}, gen, -1, 1), c0 = random_tensor64({3, 5}, gen, -1, 1);
  for (WeightLayout layout : {WeightLayout::in_out, WeightLayout::out_in}) {
    for (bool recurrent_bias : {false, true}) {
      const bool in_out = layout == WeightLayout::in_out;
      const Weights<double> w{random_tensor64(in_out ? Shape{2, 20} : Shape{20, 2}, gen, -1, 1),
                              random_tensor64(in_out ? Shape{5, 20} : Shape{20, 5}, gen, -1, 1),
                              random_tensor64({20}, gen, -1, 1),
                              recurrent_bias ? random_tensor64({20}, gen, -1, 1) : Tensor64(), layout};
      const auto fused = recurrent::lstm(x, h0, c0, w, recurrent::Activation<double>::tanh(),
                                         recurrent::Activation<double>::sigmoid());
      const auto loop = recurrent::lstm(x, h0, c0, w, kTanh, kSigmoid);
      ASSERT_EQ(fused.outputs.shape(), loop.outputs.shape());
      ASSERT_EQ(fused.cell.shape(), loop.cell.shape());
      for (Eigen::Index k = 0; k < loop.outputs.numel(); ++k) {
        EXPECT_NEAR(fused.outputs.data()[k], loop.outputs.data()[k], 1e-14) << "output element " << k;
      }
      for (Eigen::Index k = 0; k < loop.cell.numel(); ++k) {
        EXPECT_NEAR(fused.cell.data()[k], loop.cell.data()[k], 1e-14) << "cell element " << k;
      }
    }
  }
}

TEST(FusedLstm, GradientsOfEveryInputBothLayouts) {
  Generator gen(19);
  for (WeightLayout layout : {WeightLayout::in_out, WeightLayout::out_in}) {
    const std::int64_t h = 3;
    const bool in_out = layout == WeightLayout::in_out;
    const Shape wh = in_out ? Shape{h, 4 * h} : Shape{4 * h, h};
    // The fused nodes themselves, both biases defined: every h_t and the final c_T carry a gradient.
    const Shape wi = in_out ? Shape{2, 4 * h} : Shape{4 * h, 2};
    expect_gradients_match(
        [layout](const auto& xs) {
          const auto r = recurrent::fused_lstm(xs[0], xs[1], xs[2], Weights<double>{xs[3], xs[4], xs[5], xs[6], layout});
          return r.outputs + sum(r.cell * r.cell);
        },
        {random_tensor64({2, 3, 2}, gen), random_tensor64({2, h}, gen, -1, 1), random_tensor64({2, h}, gen, -1, 1),
         random_tensor64(wi, gen, -1, 1), random_tensor64(wh, gen, -1, 1), random_tensor64({4 * h}, gen, -1, 1),
         random_tensor64({4 * h}, gen, -1, 1)},
        "fused_lstm");
    // Through recurrent::lstm, no recurrent bias (Keras' case).
    expect_gradients_match(
        [layout](const auto& xs) {
          const Weights<double> w{xs[1], xs[2], xs[3], Tensor64(), layout};
          const auto r = recurrent::lstm(xs[0], xs[4], xs[5], w, recurrent::Activation<double>::tanh(),
                                         recurrent::Activation<double>::sigmoid());
          return r.outputs + sum(r.cell * r.cell);
        },
        {random_tensor64({2, 3, 2}, gen), random_tensor64(wi, gen, -1, 1), random_tensor64(wh, gen, -1, 1),
         random_tensor64({4 * h}, gen, -1, 1), random_tensor64({2, h}, gen, -1, 1), random_tensor64({2, h}, gen, -1, 1)},
        "lstm through the fused cell");
  }
}

// The float32 cell computes sigmoid and tanh with Eigen's vectorised forms. One step from
// h0 = c0 = 0 with the other gates saturated reads each function off the final cell state:
// c = sigmoid(z_i) tanh(z_g), so z_g = 30 gives sigmoid(z_i) and z_i = 30 gives tanh(z_g).
double fused_lstm_worst_activation_error(bool tanh_block) {
  constexpr std::int64_t kPoints = 4001;
  std::vector<float> z(static_cast<std::size_t>(kPoints * 4), 30.0f);
  std::vector<double> exact(static_cast<std::size_t>(kPoints));
  for (std::int64_t k = 0; k < kPoints; ++k) {
    const double v = -20.0 + 40.0 * static_cast<double>(k) / (kPoints - 1);
    z[static_cast<std::size_t>(k * 4 + (tanh_block ? 2 : 0))] = static_cast<float>(v);
    const double vf = static_cast<float>(v);
    exact[static_cast<std::size_t>(k)] = tanh_block ? std::tanh(vf) : 1.0 / (1.0 + std::exp(-vf));
  }
  // x W with W the 4 x 4 identity: the pre-activations are x's values exactly.
  const Tensor identity = Tensor::from_rows({{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
  const auto r = recurrent::fused_lstm(Tensor::from_data({kPoints, 1, 4}, z), Tensor::zeros({kPoints, 1}),
                                       Tensor::zeros({kPoints, 1}),
                                       Weights<float>{identity, Tensor::zeros({1, 4}), Tensor(), Tensor(),
                                                      WeightLayout::in_out});
  double worst = 0;
  for (std::int64_t k = 0; k < kPoints; ++k) {
    worst = std::max(worst, std::abs(static_cast<double>(r.cell.data()[k]) - exact[static_cast<std::size_t>(k)]));
  }
  return worst;
}

TEST(FusedLstm, Float32SigmoidAndTanhStayWithinAFewRoundingsOfFloat64) {
  const double sigmoid_error = fused_lstm_worst_activation_error(false);
  const double tanh_error = fused_lstm_worst_activation_error(true);
  std::printf("fused LSTM float32 worst error on [-20, 20]: sigmoid %.3g, tanh %.3g\n", sigmoid_error, tanh_error);
  // Measured (Eigen 3.4, AVX2/FMA): sigmoid 1.5e-7, tanh 2.3e-7, i.e. within 2.5 and 4 of
  // float32's spacing below 1 (2^-24); the scalar expf / tanhf gave 0.85e-7 and 0.82e-7. The
  // product with the other (saturated, = 1) gate adds no rounding.
  EXPECT_LE(sigmoid_error, 5.0 * 0x1p-24);
  EXPECT_LE(tanh_error, 5.0 * 0x1p-24);
}

TEST(Recurrent, ShapeMismatchIsOneClearError) {
  Generator gen(1);
  const Weights<double> w = random_weights(2, 3, 4, gen);
  EXPECT_THROW(recurrent::lstm(random_tensor64({2, 2}, gen), Tensor64::zeros({2, 3}), Tensor64::zeros({2, 3}), w,
                               kTanh, kSigmoid),
               Error);
  EXPECT_THROW(recurrent::lstm(random_tensor64({2, 4, 5}, gen), Tensor64::zeros({2, 3}), Tensor64::zeros({2, 3}), w,
                               kTanh, kSigmoid),
               Error);
}

TEST(Orthogonal, IsOrthogonalWithPositiveRDiagonalForTallAndWideShapes) {
  for (const Shape shape : {Shape{5, 3}, Shape{3, 5}, Shape{4, 4}}) {
    Generator gen(21);
    const Tensor q = init::orthogonal(shape, gen, 1.0f);
    const std::int64_t rows = shape[0], cols = shape[1];
    Mat Q(rows, cols);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) Q(r, c) = q.data()[r * cols + c];
    // The thin side is orthonormal.
    const Mat gram = rows >= cols ? Mat(Q.transpose() * Q) : Mat(Q * Q.transpose());
    EXPECT_TRUE(gram.isIdentity(1e-5)) << shape.str() << "\n" << gram;
    // Sign convention: redraw the same normal matrix A [max, min] (row-major, same generator) and
    // check that Q^T A (= R) has a positive diagonal: Q was multiplied by sign(diag(R)).
    Generator again(21);
    const std::int64_t tall = std::max(rows, cols), narrow = std::min(rows, cols);
    Mat A(tall, narrow);
    for (std::int64_t r = 0; r < tall; ++r)
      for (std::int64_t c = 0; c < narrow; ++c) A(r, c) = again.normal();
    const Mat thin = rows >= cols ? Q : Mat(Q.transpose());
    const Mat R = thin.transpose() * A;
    for (std::int64_t j = 0; j < narrow; ++j) EXPECT_GT(R(j, j), 0.0) << shape.str() << " diagonal " << j;
  }
  Generator gen(0);
  EXPECT_NEAR(init::orthogonal({2, 2}, gen, 3.0f).data().square().sum(), 18.0, 1e-4);  // gain^2 * rank
  EXPECT_THROW(init::orthogonal({4}, gen), Error);
}

}  // namespace
}  // namespace duet::test
