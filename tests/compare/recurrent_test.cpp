// The comparator's sequence layers: from identical initial weights (Keras layout, mapped to
// PyTorch's per experiment format v2), both sides predict, train and report the same numbers;
// the mapping round-trips exactly; bad input (token ids, ranks, reset_after=false) is one error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "duet/compare/experiment.h"
#include "duet/compare/report.h"
#include "duet/core/error.h"
#include "duet/core/random.h"

namespace duet::compare {
namespace {

using nlohmann::json;

json random_matrix(std::int64_t rows, std::int64_t cols, Generator& gen, float scale = 0.5f) {
  json m = json::array();
  for (std::int64_t r = 0; r < rows; ++r) {
    json row = json::array();
    for (std::int64_t c = 0; c < cols; ++c) row.push_back(gen.uniform(-scale, scale));
    m.push_back(row);
  }
  return m;
}
json random_vector(std::int64_t n, Generator& gen) { return random_matrix(1, n, gen)[0]; }

// Keras-layout weights of a recurrent layer with `gates` blocks.
json recurrent_weights(std::int64_t in, std::int64_t units, std::int64_t gates, Generator& gen) {
  json w = {{"kernel", random_matrix(in, gates * units, gen)}, {"recurrent_kernel", random_matrix(units, gates * units, gen)}};
  w["bias"] = gates == 3 ? random_matrix(2, 3 * units, gen, 0.1f) : random_vector(gates * units, gen);
  return w;
}

json sequences(std::int64_t rows, std::int64_t steps, std::int64_t features, Generator& gen) {
  json x = json::array();
  for (std::int64_t i = 0; i < rows; ++i) x.push_back(random_matrix(steps, features, gen, 1.0f));
  return x;
}

json experiment(const json& layers, const json& weights, const json& x, std::int64_t rows, int epochs, Generator& gen) {
  return {{"name", "sequence"},
          {"data", {{"x", x}, {"y", random_matrix(rows, 1, gen, 1.0f)}}},
          {"layers", layers},
          {"initial_weights", weights},
          {"epochs", epochs},
          {"batch_size", 4},
          {"shuffle", false},
          {"keras", {{"optimizer", {{"name", "sgd"}, {"learning_rate", 0.1}}}, {"loss", "mse"}}},
          {"torch", {{"optimizer", {{"name", "sgd"}, {"lr", 0.1}}}, {"loss", {{"name", "mse"}, {"reduction", "mean"}}}}}};
}

void expect_sides_agree(const Report& r, double tol, const std::string& what) {
  ASSERT_EQ(r.keras.predictions.size(), r.torch.predictions.size());
  for (std::size_t i = 0; i < r.keras.predictions.size(); ++i)
    for (std::size_t k = 0; k < r.keras.predictions[i].size(); ++k)
      EXPECT_NEAR(r.keras.predictions[i][k], r.torch.predictions[i][k], tol) << what << " prediction " << i;
  for (std::size_t e = 0; e < r.keras.loss_history.size(); ++e)
    EXPECT_NEAR(r.keras.loss_history[e], r.torch.loss_history[e], tol) << what << " loss of epoch " << e;
  ASSERT_EQ(r.keras.weights.size(), r.torch.weights.size());
  for (std::size_t l = 0; l < r.keras.weights.size(); ++l) {
    ASSERT_EQ(r.keras.weights[l].size(), r.torch.weights[l].size()) << what << " layer " << l;
    for (std::size_t w = 0; w < r.keras.weights[l].size(); ++w) {
      const auto& [name, kv] = r.keras.weights[l][w];
      const auto& [torch_name, tv] = r.torch.weights[l][w];
      EXPECT_EQ(name, torch_name);
      ASSERT_EQ(kv.shape(), tv.shape()) << what << " " << name;
      EXPECT_LE((kv.data() - tv.data()).abs().maxCoeff(), tol) << what << " layer " << l << " " << name;
    }
  }
}

TEST(SequenceLayers, BothSidesTrainAlikeFromIdenticalWeights) {
  // GRU (reset_after): both frameworks keep an input and a recurrent bias, so every number agrees.
  Generator gen(17);
  const json layers = {{{"type", "gru"}, {"units", 3}, {"return_sequences", true}}, {{"type", "gru"}, {"units", 2}},
                       {{"type", "dense"}, {"units", 1}}};
  const json weights = {recurrent_weights(2, 3, 3, gen), recurrent_weights(3, 2, 3, gen),
                        {{"kernel", random_matrix(2, 1, gen)}, {"bias", random_vector(1, gen)}}};
  const Report r = run(parse_experiment_text(experiment(layers, weights, sequences(8, 4, 2, gen), 8, 5, gen).dump(), "."));
  expect_sides_agree(r, 2e-5, "gru");
  EXPECT_LT(r.keras.loss_history.back(), r.keras.loss_history.front());
}

TEST(SequenceLayers, PyTorchsTwoBiasesTakeTwiceTheBiasStep) {
  // SimpleRNN and LSTM: Keras has one bias b, PyTorch b_ih + b_hh (b_hh = 0 at the start). Both
  // receive the gradient of b, so after one SGD step PyTorch's sum moved twice as far; every other
  // weight took the same step (one full batch, one epoch).
  for (const char* type : {"simple_rnn", "lstm"}) {
    Generator gen(23);
    const std::int64_t gates = std::string(type) == "lstm" ? 4 : 1;
    const json layers = {{{"type", type}, {"units", 3}}, {{"type", "dense"}, {"units", 1}}};
    const json weights = {recurrent_weights(2, 3, gates, gen),
                          {{"kernel", random_matrix(3, 1, gen)}, {"bias", random_vector(1, gen)}}};
    json doc = experiment(layers, weights, sequences(4, 3, 2, gen), 4, 1, gen);
    const Experiment e = parse_experiment_text(doc.dump(), ".");
    const Report r = run(e);
    EXPECT_NEAR(r.keras.loss_history[0], r.torch.loss_history[0], 1e-6) << type;  // the same forward pass
    const auto& initial = (*e.initial_weights)[0];
    for (std::size_t w = 0; w < 2; ++w) {
      EXPECT_LE((r.keras.weights[0][w].second.data() - r.torch.weights[0][w].second.data()).abs().maxCoeff(), 1e-6)
          << type << " " << initial[w].first;
    }
    const auto keras_step = r.keras.weights[0][2].second.data() - initial[2].second.data();
    const auto torch_step = r.torch.weights[0][2].second.data() - initial[2].second.data();
    EXPECT_GT(keras_step.abs().maxCoeff(), 1e-4) << type;
    EXPECT_LE((torch_step - 2.0f * keras_step).abs().maxCoeff(), 1e-6) << type << " bias";
    // --explain names the rule
    bool named = false;
    for (const auto& reason : explain_differences(e)) named = named || reason.find("twice as far") != std::string::npos;
    EXPECT_TRUE(named) << type;
  }
}

TEST(SequenceLayers, WeightsRoundTripThroughPyTorchsLayoutExactly) {
  // epochs 0: the reported weights are the initial ones mapped to PyTorch and back (GRU blocks
  // reordered, bias rows split into bias_ih / bias_hh and joined again; LSTM bias_hh = 0).
  Generator gen(5);
  const json layers = {{{"type", "embedding"}, {"input_dim", 6}, {"output_dim", 2}},
                       {{"type", "gru"}, {"units", 3}, {"return_sequences", true}},
                       {{"type", "lstm"}, {"units", 2}},
                       {{"type", "dense"}, {"units", 1}}};
  const json weights = {{{"embeddings", random_matrix(6, 2, gen)}}, recurrent_weights(2, 3, 3, gen),
                        recurrent_weights(3, 2, 4, gen), {{"kernel", random_matrix(2, 1, gen)}, {"bias", random_vector(1, gen)}}};
  const json ids = {{0, 5, 2}, {1, 1, 3}, {4, 0, 0}, {2, 3, 5}};
  const Experiment e = parse_experiment_text(experiment(layers, weights, ids, 4, 0, gen).dump(), ".");
  const Report r = run(e);
  for (const auto* side : {&r.keras, &r.torch}) {
    for (std::size_t l = 0; l < e.initial_weights->size(); ++l)
      for (std::size_t w = 0; w < (*e.initial_weights)[l].size(); ++w)
        EXPECT_TRUE(((*e.initial_weights)[l][w].second.data() == side->weights[l][w].second.data()).all())
            << "layer " << l << " " << (*e.initial_weights)[l][w].first;
  }
  expect_sides_agree(r, 1e-6, "embedding-gru-lstm");
}

std::string parse_error(const json& doc) {
  try {
    parse_experiment_text(doc.dump(), ".");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SequenceLayers, BadInputIsOneClearError) {
  Generator gen(1);
  const json gru_weights = json::array({recurrent_weights(2, 3, 3, gen), {{"kernel", random_matrix(3, 1, gen)}, {"bias", random_vector(1, gen)}}});
  json doc = experiment({{{"type", "gru"}, {"units", 3}, {"keras", {{"reset_after", false}}}}, {{"units", 1}}},
                        gru_weights, sequences(4, 3, 2, gen), 4, 1, gen);
  EXPECT_NE(parse_error(doc).find("layers[0].keras.reset_after: PyTorch's GRU always applies the reset gate after "
                                  "the matrix product"),
            std::string::npos)
      << parse_error(doc);
  doc = experiment({{{"type", "lstm"}, {"units", 3}}, {{"units", 1}}}, nullptr, random_matrix(4, 3, gen), 4, 1, gen);
  EXPECT_NE(parse_error(doc).find("layers[0] (lstm): takes sequences"), std::string::npos) << parse_error(doc);
  // sequences of unequal length
  json ragged = sequences(4, 3, 2, gen);
  ragged[2].erase(0);
  doc = experiment({{{"type", "lstm"}, {"units", 3}}, {{"units", 1}}}, nullptr, ragged, 4, 1, gen);
  EXPECT_NE(parse_error(doc).find("data.x[2]"), std::string::npos) << parse_error(doc);
  // token ids
  const json emb = {{{"type", "embedding"}, {"input_dim", 4}, {"output_dim", 2}}, {{"type", "lstm"}, {"units", 2}},
                    {{"units", 1}}};
  for (const auto& [ids, expected] :
       std::vector<std::pair<json, std::string>>{{{{0, 1}, {3, -1}}, "data.x: token id -1 at row 1, step 1 is negative"},
                                                 {{{0, 1.5}, {3, 1}}, "data.x: token id 1.5 at row 0, step 1 is not a whole number"},
                                                 {{{0, 1}, {4, 1}}, "data.x: token id 4 at row 1, step 0 is not below"}}) {
    doc = experiment(emb, nullptr, ids, 2, 1, gen);
    EXPECT_NE(parse_error(doc).find(expected), std::string::npos) << parse_error(doc);
  }
}

}  // namespace
}  // namespace duet::compare
