// keras_like: Embedding, SimpleRNN, LSTM and GRU: Keras 3's variable names, shapes, counts and
// initialisers (keras/src/layers/rnn/*.py, keras/src/layers/core/embedding.py), return_sequences,
// summary() and the errors for ranks and token ids. Forward values are checked against real
// PyTorch through ported weights (tests/compare/recurrent_test.cpp) and against goldens.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras {
namespace {

using test::error_of;

std::vector<std::string> names_of(const layers::Layer& layer) {
  std::vector<std::string> out;
  for (const auto& w : layer.weights()) out.push_back(w.name);
  return out;
}

TEST(RecurrentLayers, NamesShapesAndCountsAsKeras) {
  // Keras' summary counts: LSTM 4 (u (u + f) + u), GRU with reset_after 3 (u (u + f) + 2u),
  // SimpleRNN u (u + f) + u; here f = 3, u = 4.
  Sequential lstm({layers::LSTM(4, {.input_shape = {5, 3}})});
  EXPECT_EQ(names_of(*lstm.layers()[0]), (std::vector<std::string>{"kernel", "recurrent_kernel", "bias"}));
  EXPECT_EQ(lstm.layers()[0]->weights()[0].value.shape(), (Shape{3, 16}));
  EXPECT_EQ(lstm.layers()[0]->weights()[1].value.shape(), (Shape{4, 16}));
  EXPECT_EQ(lstm.layers()[0]->count_params(), 4 * (4 * 7 + 4));
  Sequential gru({layers::GRU(4, {.input_shape = {5, 3}})});
  EXPECT_EQ(gru.layers()[0]->weights()[2].value.shape(), (Shape{2, 12}));
  EXPECT_EQ(gru.layers()[0]->count_params(), 3 * (4 * 7 + 8));
  Sequential gru_before({layers::GRU(4, {.reset_after = false, .input_shape = {5, 3}})});
  EXPECT_EQ(gru_before.layers()[0]->weights()[2].value.shape(), (Shape{12}));
  Sequential rnn({layers::SimpleRNN(4, {.return_sequences = true, .input_shape = {5, 3}})});
  EXPECT_EQ(rnn.layers()[0]->count_params(), 4 * 7 + 4);
  EXPECT_EQ(rnn.output_shape(), (Shape{5, 4}));
  EXPECT_EQ(lstm.output_shape(), (Shape{4}));
  const std::string s = rnn.summary_text();
  EXPECT_NE(s.find("(None, 5, 4)"), std::string::npos) << s;
  EXPECT_NE(s.find("32"), std::string::npos) << s;
}

TEST(RecurrentLayers, KerasInitialisers) {
  utils::set_random_seed(3);
  Sequential model({layers::LSTM(8, {.input_shape = {4, 5}})});
  const auto w = model.layers()[0]->weights();
  // kernel: glorot_uniform, limit sqrt(6 / (fan_in + fan_out)) = sqrt(6 / (5 + 32))
  const float limit = std::sqrt(6.0f / 37.0f);
  EXPECT_LE(w[0].value.data().abs().maxCoeff(), limit);
  EXPECT_GT(w[0].value.data().abs().maxCoeff(), 0.8f * limit);
  // recurrent_kernel [8, 32]: orthogonal with rows < cols, so its rows are orthonormal.
  Eigen::MatrixXf rk(8, 32);
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 32; ++c) rk(r, c) = w[1].value.data()[r * 32 + c];
  EXPECT_TRUE(Eigen::MatrixXf(rk * rk.transpose()).isIdentity(1e-5f));
  // bias: zeros with the forget block (i, f, c, o: the second) at 1 (unit_forget_bias)
  const auto& b = w[2].value.data();
  EXPECT_TRUE((b.segment(0, 8) == 0.0f).all());
  EXPECT_TRUE((b.segment(8, 8) == 1.0f).all());
  EXPECT_TRUE((b.segment(16, 16) == 0.0f).all());
  Sequential plain({layers::LSTM(8, {.unit_forget_bias = false, .input_shape = {4, 5}})});
  EXPECT_TRUE((plain.layers()[0]->weights()[2].value.data() == 0.0f).all());
}

TEST(RecurrentLayers, ReturnSequencesLastStepEqualsTheLastOutput) {
  utils::set_random_seed(1);
  Sequential all({layers::GRU(3, {.return_sequences = true, .input_shape = {4, 2}})});
  Sequential last({layers::GRU(3, {.input_shape = {4, 2}})});
  last.set_weights(all.get_weights());
  const Tensor x = Tensor::from_data({2, 4, 2}, {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8}) * 0.1f;
  const Tensor seq = all.predict(x), y = last.predict(x);
  ASSERT_EQ(seq.shape(), (Shape{2, 4, 3}));
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  for (int i = 0; i < 2; ++i)
    for (int u = 0; u < 3; ++u) EXPECT_EQ(y.data()[i * 3 + u], seq.data()[(i * 4 + 3) * 3 + u]);
}

TEST(RecurrentLayers, TrainsOnASequenceTask) {
  // Sum of a 3-step sequence: an LSTM with a Dense head learns it well below the variance.
  utils::set_random_seed(0);
  Sequential model({layers::LSTM(8, {.input_shape = {3, 1}}), layers::Dense(1)});
  model.compile("adam", "mse");
  std::vector<float> xs, ys;
  Generator gen(2);
  for (int i = 0; i < 64; ++i) {
    float total = 0;
    for (int t = 0; t < 3; ++t) {
      const float v = gen.uniform(-1, 1);
      xs.push_back(v);
      total += v;
    }
    ys.push_back(total);
  }
  const Tensor x = Tensor::from_data({64, 3, 1}, xs), y = Tensor::from_data({64, 1}, ys);
  const History h = model.fit(x, y, {.epochs = 60, .batch_size = 16, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), 0.2 * h.history.at("loss").front());
}

TEST(RecurrentLayers, RankTwoDataIsOneClearError) {
  EXPECT_NE(error_of([] { Sequential({layers::LSTM(4, {.input_shape = {3}})}); }).find("expected ndim=3, found ndim=2"),
            std::string::npos);
  EXPECT_NE(error_of([] { layers::GRU(0); }).find("units"), std::string::npos);
}

TEST(EmbeddingLayer, UniformInitShapesAndIdErrors) {
  utils::set_random_seed(0);
  Sequential model({layers::Embedding(50, 4, {.input_shape = {3}}), layers::LSTM(2)});
  const auto emb = model.layers()[0]->weights()[0];  // a copy: weights() returns by value
  EXPECT_EQ(emb.name, "embeddings");
  EXPECT_EQ(emb.value.shape(), (Shape{50, 4}));
  // RandomUniform(-0.05, 0.05): bounded, and spread over the interval
  EXPECT_LE(emb.value.data().abs().maxCoeff(), 0.05f);
  EXPECT_GT(emb.value.data().abs().maxCoeff(), 0.045f);
  EXPECT_EQ(model.predict(Tensor::from_rows({{0, 49, 3}})).shape(), (Shape{1, 2}));
  EXPECT_NE(error_of([&] { model.predict(Tensor::from_rows({{0, 1, 2}, {3, 50, 1}})); })
                .find("token id 50 at row 1, step 1 is not below"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model.predict(Tensor::from_rows({{0, -2, 2}})); }).find("row 0, step 1 is negative"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model.predict(Tensor::from_rows({{0, 0.5f, 2}})); }).find("not a whole number"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::keras
