// keras_like's L2 regulariser against TensorFlow.js 4.22 (tests/golden/keras_l2_regularizer.json,
// written by tools/golden/keras_l2_regularizer.mjs): a two-layer model with L2 on both kernels and
// one bias, trained four epochs; the reported losses include the penalty (l2 * sum(w^2), no 1/2),
// and the weights and predictions follow its gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duet/keras.h"

namespace duet::keras {
namespace {

using json = nlohmann::json;

Tensor rows_of(const json& j) {
  if (!j[0].is_array()) return Tensor::from_data({static_cast<std::int64_t>(j.size())}, j.get<std::vector<float>>());
  return Tensor::from_rows(j.get<std::vector<std::vector<float>>>());
}

double relative(double got, double want) { return std::abs(got - want) / std::max(1.0, std::abs(want)); }

TEST(RegularizerGolden, L2TrainsAndReportsAsTensorFlowJs) {
  std::ifstream in(DUET_GOLDEN_DIR "/keras_l2_regularizer.json");
  const json g = json::parse(in);
  const double kernel_l2 = g["l2"]["kernel"], bias_l2 = g["l2"]["bias_first_layer"];
  Sequential model({layers::Dense(4, {.activation = "relu",
                                      .kernel_regularizer = regularizers::L2(kernel_l2),
                                      .bias_regularizer = regularizers::L2(bias_l2),
                                      .input_shape = {3}}),
                    layers::Dense(1, {.kernel_regularizer = regularizers::L2(kernel_l2)})});
  std::vector<Tensor> initial;
  for (const json& w : g["initial_weights"]) initial.push_back(rows_of(w));
  model.set_weights(initial);
  model.compile(optimizers::SGD({.learning_rate = g["learning_rate"].get<float>()}), "mse");
  const Tensor x = rows_of(g["x"]), y = rows_of(g["y"]);
  const History h = model.fit(x, y, {.epochs = g["epochs"], .batch_size = g["batch_size"], .shuffle = false, .verbose = 0});
  ASSERT_EQ(h["loss"].size(), g["loss_history"].size());
  for (std::size_t e = 0; e < h["loss"].size(); ++e) {
    EXPECT_LT(relative(h["loss"][e], g["loss_history"][e].get<double>()), 2e-6) << "epoch " << e;
  }
  const auto weights = model.get_weights();
  ASSERT_EQ(weights.size(), g["final_weights"].size());
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const Tensor want = rows_of(g["final_weights"][k]);
    ASSERT_EQ(weights[k].numel(), want.numel()) << "weight " << k;
    for (Eigen::Index i = 0; i < want.data().size(); ++i)
      EXPECT_LT(relative(weights[k].data()[i], want.data()[i]), 2e-6) << "weight " << k << " element " << i;
  }
  const Tensor p = model.predict(x.slice(0, 0, 4));
  const Tensor want_p = rows_of(g["predictions"]);
  for (Eigen::Index i = 0; i < want_p.data().size(); ++i) EXPECT_LT(relative(p.data()[i], want_p.data()[i]), 2e-6);
}

}  // namespace
}  // namespace duet::keras
