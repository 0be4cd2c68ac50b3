// The comparator's batch_norm, layer_norm, activation and dropout layers: each side's defaults
// and overrides, weights reported in Keras' names, the reasons --explain gives, and bad input.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "duet/compare/analysis.h"
#include "duet/compare/experiment.h"
#include "duet/compare/report.h"
#include "support/test_helpers.h"

namespace duet::compare {
namespace {

using test::error_of;

std::string experiment(const std::string& layers, int batch_size = 4) {
  return fmt::format(R"({{"data": {{"x": [[0.5, -1.0], [1.5, 0.0], [-0.5, 3.0], [2.5, 1.0]],
                         "y": [[1.0], [0.0], [1.0], [0.5]]}},
      "epochs": 2, "batch_size": {}, "shuffle": false, "layers": {},
      "keras": {{"optimizer": {{"name": "sgd", "learning_rate": 0.1}}, "loss": "mse"}},
      "torch": {{"optimizer": {{"name": "sgd", "lr": 0.1}}, "loss": {{"name": "mse"}}}}}})",
                     batch_size, layers);
}

std::string joined(const std::vector<std::string>& reasons) {
  std::string s;
  for (const auto& r : reasons) s += r + "\n";
  return s;
}

TEST(NormalizationKinds, BatchNormReportsKerasNamesAndEachSidesRunningStatistics) {
  const Experiment e = parse_experiment_text(
      experiment(R"([{"type": "batch_norm"}, {"type": "activation", "activation": "leaky_relu"},
                     {"type": "dropout", "rate": 0.0}, {"units": 1}])"),
      ".");
  const Report r = run(e);
  ASSERT_EQ(r.keras.weights.size(), 4u);
  std::vector<std::string> names;
  for (const auto& [name, _] : r.torch.weights[0]) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"gamma", "beta", "moving_mean", "moving_variance"}));
  EXPECT_TRUE(r.keras.weights[1].empty());
  // The first column's batch mean is 1 at both steps (one batch per epoch, two epochs), from 0:
  // Keras keeps 0.99 of the old value, 1 - 0.99^2 = 0.0199; PyTorch keeps 0.9, 1 - 0.9^2 = 0.19.
  EXPECT_NEAR(weight(r.keras.weights[0], "moving_mean").data()[0], 0.0199f, 1e-6f);
  EXPECT_NEAR(weight(r.torch.weights[0], "moving_mean").data()[0], 0.19f, 1e-6f);
  const std::string why = joined(explain_differences(e));
  EXPECT_NE(why.find("momentum=0.99 weighs the OLD"), std::string::npos) << why;
  EXPECT_NE(why.find("unbiased batch variance"), std::string::npos) << why;
  EXPECT_NE(why.find("epsilon: Keras 0.001, PyTorch 1e-05"), std::string::npos) << why;
  EXPECT_NE(why.find("leaky_relu"), std::string::npos) << why;
  EXPECT_NE(why.find("Dropout"), std::string::npos) << why;
}

TEST(NormalizationKinds, SideOptionsOverrideTheDefaults) {
  // Keras momentum 0.9 is PyTorch's 0.1, and equal epsilons: one rule apart from the variance.
  const Experiment e = parse_experiment_text(
      experiment(R"([{"units": 2}, {"type": "batch_norm", "keras": {"momentum": 0.9, "epsilon": 1e-5}},
                     {"type": "layer_norm", "torch": {"eps": 1e-3}}, {"units": 1}])"),
      ".");
  const std::string why = joined(explain_differences(e));
  EXPECT_NE(why.find("the same rule"), std::string::npos) << why;
  EXPECT_EQ(why.find("batch_norm, epsilon"), std::string::npos) << why;
  EXPECT_EQ(why.find("layer_norm, epsilon"), std::string::npos) << why;
  EXPECT_EQ(error_of([&] { run(e); }), "(no error)");
}

// --explain measures each layer difference by removing it: the PyTorch side takes Keras'
// momentum convention and epsilons, its biased running variance and leaky_relu slope; with every
// difference removed the predictions (inference mode: running statistics) agree to float32.
TEST(NormalizationKinds, ExplainRemovesEachLayerDifference) {
  const Experiment e = parse_experiment_text(
      experiment(R"([{"units": 3}, {"type": "batch_norm"}, {"type": "activation", "activation": "leaky_relu"},
                     {"type": "layer_norm"}, {"units": 1}])"),
      ".");
  const Ablation a = ablate(e, run(e));
  std::vector<std::string> removed;
  for (const auto& row : a.single) removed.push_back(row.removed);
  for (const char* name : {"same norm momentum and epsilon", "same running variance (biased)", "same leaky_relu slope"}) {
    EXPECT_NE(std::find(removed.begin(), removed.end(), name), removed.end()) << name;
  }
  EXPECT_GT(a.baseline_gap, 1e-2);
  EXPECT_LE(a.all_removed_gap, 1e-6) << ablation_text(a);  // measured 8.9e-8 (predictions near 1)
}

// Keras' LayerNormalization(axis=-1) normalises each pixel of an image, or step of a sequence,
// over its channels (keras/src/layers/normalization/layer_normalization.py: moments over axis -1).
// PyTorch holds images NCHW, so the comparator moves the channels last around LayerNorm(C);
// sequences are batch-first and end in the channels already. Without training (epochs 0) each
// side's prediction is the closed form below with its own epsilon. Every axis has length 3, so a
// normalisation over a wrong axis would run and give other numbers rather than a shape error.
TEST(NormalizationKinds, LayerNormOnImagesAndSequencesNormalisesEachPositionOverItsChannels) {
  const std::vector<double> gamma{0.9, 1.1, 1.3}, beta{0.1, -0.2, 0.05};
  const std::size_t rows = 2, channels = 3;
  for (const std::size_t positions : {std::size_t{9}, std::size_t{3}}) {  // a 3x3x3 image, 3 steps x 3
    const bool image = positions == 9;
    const std::size_t features = positions * channels;
    auto value = [&](std::size_t row, std::size_t p, std::size_t c) {
      return std::sin(0.7 * static_cast<double>((row * positions + p) * channels + c) + 0.3 * static_cast<double>(c * c));
    };
    auto kernel_at = [](std::size_t f) { return 0.05 * static_cast<double>(f % 7) - 0.15; };
    nlohmann::json x = nlohmann::json::array(), kernel = nlohmann::json::array();
    for (std::size_t row = 0; row < rows; ++row) {
      nlohmann::json sample = nlohmann::json::array();
      for (std::size_t p = 0; p < positions; ++p) {
        nlohmann::json position = nlohmann::json::array();
        for (std::size_t c = 0; c < channels; ++c) position.push_back(value(row, p, c));
        if (image && p % 3 == 0) sample.push_back(nlohmann::json::array());
        (image ? sample.back() : sample).push_back(position);
      }
      x.push_back(sample);
    }
    for (std::size_t f = 0; f < features; ++f) kernel.push_back({kernel_at(f)});  // rows in Keras' HWC order
    const nlohmann::json spec = {
        {"data", {{"x", x}, {"y", {{0.0}, {1.0}}}}}, {"epochs", 0}, {"batch_size", 2}, {"shuffle", false},
        {"layers", {{{"type", "layer_norm"}}, {{"type", "flatten"}}, {{"units", 1}}}},
        {"initial_weights", {{{"gamma", gamma}, {"beta", beta}}, nlohmann::json::object(),
                             {{"kernel", kernel}, {"bias", {0.2}}}}},
        {"keras", {{"optimizer", {{"name", "sgd"}, {"learning_rate", 0.1}}}, {"loss", "mse"}}},
        {"torch", {{"optimizer", {{"name", "sgd"}, {"lr", 0.1}}}, {"loss", {{"name", "mse"}}}}}};
    const Report r = run(parse_experiment_text(spec.dump(), "."));
    for (const auto& [side, eps] : {std::pair{&r.keras, 1e-3}, std::pair{&r.torch, 1e-5}}) {
      for (std::size_t row = 0; row < rows; ++row) {
        double want = 0.2;
        for (std::size_t p = 0; p < positions; ++p) {
          double mean = 0, var = 0;
          for (std::size_t c = 0; c < channels; ++c) mean += value(row, p, c) / static_cast<double>(channels);
          for (std::size_t c = 0; c < channels; ++c) var += std::pow(value(row, p, c) - mean, 2) / static_cast<double>(channels);
          for (std::size_t c = 0; c < channels; ++c) {
            want += kernel_at(p * channels + c) * (gamma[c] * (value(row, p, c) - mean) / std::sqrt(var + eps) + beta[c]);
          }
        }
        EXPECT_NEAR(side->predictions[row][0], want, 1e-5)
            << (side == &r.keras ? "Keras" : "PyTorch") << (image ? " image" : " sequence") << " row " << row;
      }
    }
  }
}

TEST(NormalizationKinds, BadInputIsOneClearError) {
  // A batch of one row in training: Keras trains on it, PyTorch refuses it.
  const std::string one_row = error_of(
      [] { run(parse_experiment_text(experiment(R"([{"units": 2}, {"type": "batch_norm"}, {"units": 1}])", 1), ".")); });
  EXPECT_NE(one_row.find("Expected more than 1 value per channel when training"), std::string::npos) << one_row;
  const std::string negative = error_of([] {
    parse_experiment_text(experiment(R"([{"units": 2}, {"type": "batch_norm", "torch": {"eps": -1}}, {"units": 1}])"),
                          ".");
  });
  EXPECT_NE(negative.find("eps"), std::string::npos) << negative;
  const std::string unknown = error_of([] {
    parse_experiment_text(experiment(R"([{"type": "activation", "activation": "mish"}, {"units": 1}])"), ".");
  });
  EXPECT_NE(unknown.find("mish"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("hard_sigmoid"), std::string::npos) << "lists the valid names: " << unknown;
}

}  // namespace
}  // namespace duet::compare
