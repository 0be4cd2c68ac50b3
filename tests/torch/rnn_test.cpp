// torch_like: nn::RNN / LSTM / GRU against real PyTorch (tests/golden/torch_rnn.json, written by
// tools/golden/torch_rnn.py with PyTorch 1.13): seeded initial parameters, outputs, final states
// and the gradients of sum(output^2) + sum(h_n); and nn::Embedding's padding_idx and errors.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "duet/core/error.h"
#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using nlohmann::json;
using test::error_of;

void expect_values(const Tensor& t, const json& expected, double tol, const std::string& what) {
  ASSERT_EQ(t.numel(), static_cast<std::int64_t>(expected.size())) << what;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_NEAR(t.data()[static_cast<Eigen::Index>(k)], expected[k].get<double>(), tol) << what << " element " << k;
  }
}

template <typename Options>
Options options_of(const json& o) {
  Options opts(o["input_size"].get<std::int64_t>(), o["hidden_size"].get<std::int64_t>());
  if (o.contains("num_layers")) opts.num_layers(o["num_layers"].get<std::int64_t>());
  if (o.contains("batch_first")) opts.batch_first(o["batch_first"].get<bool>());
  if (o.contains("bias")) opts.bias(o["bias"].get<bool>());
  return opts;
}

TEST(Recurrent, InitialisationOutputsStatesAndGradientsMatchRealPyTorch) {
  std::ifstream in(DUET_GOLDEN_DIR "/torch_rnn.json");
  const json golden = json::parse(in);
  for (const auto& c : golden["cases"]) {
    const std::string kind = c["kind"];
    const std::string what = kind + " seed " + std::to_string(c["seed"].get<int>());
    manual_seed(c["seed"].get<std::uint64_t>());
    std::shared_ptr<nn::RNNImplBase> module;
    std::function<std::vector<Tensor>(const Tensor&)> run;
    if (kind == "RNN") {
      auto opts = options_of<nn::RNNOptions>(c["options"]);
      if (c["options"].value("nonlinearity", "tanh") == "relu") opts.nonlinearity(kReLU);
      auto m = std::make_shared<nn::RNNImpl>(opts);
      module = m;
      run = [m](const Tensor& x) {
        auto [out, h] = m->forward(x);
        return std::vector<Tensor>{out, h};
      };
    } else if (kind == "LSTM") {
      auto m = std::make_shared<nn::LSTMImpl>(options_of<nn::LSTMOptions>(c["options"]));
      module = m;
      run = [m](const Tensor& x) {
        auto [out, state] = m->forward(x);
        return std::vector<Tensor>{out, std::get<0>(state), std::get<1>(state)};
      };
    } else {
      auto m = std::make_shared<nn::GRUImpl>(options_of<nn::GRUOptions>(c["options"]));
      module = m;
      run = [m](const Tensor& x) {
        auto [out, h] = m->forward(x);
        return std::vector<Tensor>{out, h};
      };
    }
    // Same parameter names in the same order, drawn from the same stream as PyTorch's.
    const auto named = module->named_parameters();
    ASSERT_EQ(named.size(), c["parameters"].size()) << what;
    for (const auto& item : named) {
      ASSERT_TRUE(c["parameters"].contains(item.key())) << what << ": " << item.key();
      expect_values(item.value(), c["parameters"][item.key()], 1e-7, what + " " + item.key());
    }
    std::vector<std::int64_t> dims = c["x_shape"];
    const Tensor x = Tensor::from_data(Shape(dims.begin(), dims.end()), c["x"].get<std::vector<float>>());
    const auto outs = run(x);
    std::vector<std::int64_t> out_dims = c["output_shape"];
    EXPECT_EQ(outs[0].shape(), Shape(out_dims.begin(), out_dims.end())) << what;
    expect_values(outs[0], c["output"], 2e-6, what + " output");
    expect_values(outs[1], c["h_n"], 2e-6, what + " h_n");
    if (kind == "LSTM") expect_values(outs[2], c["c_n"], 2e-6, what + " c_n");
    (outs[0].square().sum() + outs[1].sum()).backward();
    for (const auto& item : named) {
      expect_values(item.value().grad(), c["grads"][item.key()], 2e-5, what + " grad " + item.key());
    }
  }
}

TEST(Recurrent, ParameterNamesShapesAndPrinting) {
  nn::LSTM lstm(nn::LSTMOptions(3, 5).num_layers(2).batch_first(true));
  const auto named = lstm->named_parameters();
  std::vector<std::string> names;
  for (const auto& item : named) names.push_back(item.key());
  EXPECT_EQ(names, (std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"}));
  EXPECT_EQ(named["weight_ih_l0"].shape(), (Shape{20, 3}));
  EXPECT_EQ(named["weight_ih_l1"].shape(), (Shape{20, 5}));
  EXPECT_EQ(lstm->to_string(), "LSTM(3, 5, num_layers=2, batch_first=True)");
  nn::GRU gru(nn::GRUOptions(2, 4).bias(false));
  EXPECT_EQ(gru->parameters().size(), 2u);
  // an unbatched sequence [T, F] gives [T, H] and h_n [layers, H]
  auto [out, h] = gru(Tensor::ones({6, 2}));
  EXPECT_EQ(out.shape(), (Shape{6, 4}));
  EXPECT_EQ(h.shape(), (Shape{1, 4}));
}

TEST(Recurrent, BadInputIsOneClearError) {
  nn::RNN rnn(3, 4);
  EXPECT_NE(error_of([&] { rnn(Tensor::ones({2, 3, 3, 1})); }).find("Expected input to be 2D or 3D, got 4D"),
            std::string::npos);
  EXPECT_NE(error_of([&] { rnn(Tensor::ones({5, 2, 2})); }).find("Expected 3, got 2"), std::string::npos);
  EXPECT_NE(error_of([&] { rnn(Tensor::ones({5, 2, 3}), Tensor::zeros({1, 3, 4})); }).find("Expected hidden size [1, 2, 4]"),
            std::string::npos);
  EXPECT_NE(error_of([] { nn::LSTM(nn::LSTMOptions(3, 4).bidirectional(true)); }).find("bidirectional"),
            std::string::npos);
}

TEST(Embedding, NormalInitPaddingRowZeroAndWithoutGradient) {
  manual_seed(0);
  nn::Embedding emb(nn::EmbeddingOptions(200, 8).padding_idx(-1));
  EXPECT_EQ(*emb->options.padding_idx(), 199);
  const auto& w = emb->weight.data();
  EXPECT_TRUE((w.segment(199 * 8, 8) == 0.0f).all());
  // N(0, 1): over 1592 draws the mean is within 0.1 and the stddev within 0.1 of 1
  const double mean = w.head(199 * 8).mean();
  const double sd = std::sqrt((w.head(199 * 8) - static_cast<float>(mean)).square().mean());
  EXPECT_NEAR(mean, 0.0, 0.1);
  EXPECT_NEAR(sd, 1.0, 0.1);
  const Tensor ids = torch::tensor({{0, 199, 3}, {3, 199, 0}});
  const Tensor out = emb(ids);
  EXPECT_EQ(out.shape(), (Shape{2, 3, 8}));
  out.sum().backward();
  EXPECT_FLOAT_EQ(emb->weight.grad().data()[3 * 8], 2.0f);
  EXPECT_FLOAT_EQ(emb->weight.grad().data()[199 * 8], 0.0f);
  EXPECT_EQ(emb->to_string(), "Embedding(200, 8, padding_idx=199)");
}

TEST(Embedding, BadIdsNameRowStepAndValue) {
  nn::Embedding emb(4, 2);
  EXPECT_NE(error_of([&] { emb(Tensor::from_rows({{0, 1}})); }).find("'indices'"), std::string::npos);
  EXPECT_NE(error_of([&] { emb(torch::tensor({{0, 1}, {4, 2}})); }).find("token id 4 at row 1, step 0"),
            std::string::npos);
  EXPECT_NE(error_of([] { nn::Embedding(nn::EmbeddingOptions(4, 2).padding_idx(4)); }).find("Padding_idx"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::torch
