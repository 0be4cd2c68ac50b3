// Porting weights between the styles: Keras -> PyTorch -> Keras is exact, ported models predict
// alike, a real PyTorch state_dict ports into a Keras model with PyTorch's predictions, the
// first layer that does not fit is named and nothing changes, and new layer kinds plug in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "duet/compare/porting.h"
#include "duet/core/error.h"
#include "support/test_helpers.h"

namespace duet::compare {
namespace {

namespace fs = std::filesystem;
namespace nn = torch::nn;
using test::error_of;

using test::contains;

keras::Sequential keras_mlp() {
  return keras::Sequential({keras::layers::Dense(4, {.activation = "relu", .input_shape = {3}}), keras::layers::Dense(2)});
}
nn::Sequential torch_mlp(std::int64_t hidden = 4) { return nn::Sequential(nn::Linear(3, hidden), nn::ReLU(), nn::Linear(hidden, 2)); }

const Tensor kX = Tensor::from_rows({{0.5f, -1.0f, 2.0f}, {1.5f, 0.25f, -0.75f}, {-2.0f, 0.0f, 1.0f}});

void expect_same_values(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE((a[i].data() == b[i].data()).all()) << "weight " << i;
}

TEST(Porting, KerasToPyTorchAndBackIsExactAndPredictsAlike) {
  keras::utils::set_random_seed(4);
  auto keras_model = keras_mlp();
  torch::manual_seed(9);
  auto torch_model = torch_mlp();
  port_weights(keras_model, *torch_model);
  // Dense's kernel [in, out] is Linear's weight [out, in].
  EXPECT_TRUE((torch_model->state_dict()[0].second.data() == transpose(keras_model.get_weights()[0]).data()).all());
  const auto keras_y = keras_model.predict(kX), torch_y = torch_model->forward(kX);
  for (Eigen::Index i = 0; i < keras_y.data().size(); ++i) EXPECT_NEAR(keras_y.data()[i], torch_y.data()[i], 1e-6f);

  keras::utils::set_random_seed(5);
  auto back = keras_mlp();
  port_weights(*torch_model, back);
  expect_same_values(back.get_weights(), keras_model.get_weights());
  torch::manual_seed(10);
  auto again = torch_mlp();
  port_weights(back, *again);
  const auto s1 = torch_model->state_dict(), s2 = again->state_dict();
  for (std::size_t i = 0; i < s1.size(); ++i) EXPECT_TRUE((s1[i].second.data() == s2[i].second.data()).all());
}

TEST(Porting, ARealPyTorchStateDictPredictsAsInPyTorch) {
  const fs::path dir = fs::path(DUET_GOLDEN_DIR) / "checkpoints" / "torch";
  const auto rec = nlohmann::json::parse(test::read_bytes(dir / "values.json"))["mlp.pt"];
  auto model = keras_mlp();
  port_weights(torch::load(dir / "mlp.pt"), model);
  const auto y = model.predict(Tensor::from_rows(rec["x"].get<std::vector<std::vector<float>>>()));
  const auto want = rec["y"].get<std::vector<std::vector<double>>>();
  for (std::size_t r = 0; r < want.size(); ++r)
    for (std::size_t c = 0; c < want[r].size(); ++c)
      EXPECT_NEAR(y.at(static_cast<std::int64_t>(r), static_cast<std::int64_t>(c)), want[r][c], 2e-6);
}

TEST(Porting, TheFirstLayerThatDoesNotFitIsNamedAndNothingChanges) {
  auto keras_model = keras_mlp();
  auto wider = torch_mlp(5);
  const auto before = wider->state_dict();
  EXPECT_TRUE(contains(error_of([&] { port_weights(keras_model, *wider); }),
                       "layer 0: Keras layer 'dense' (Dense) gives weight of shape [4, 3], PyTorch module '0' (Linear) "
                       "has [5, 3]"));
  const auto after = wider->state_dict();
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_TRUE((before[i].second.data() == after[i].second.data()).all());

  const auto keras_before = keras_model.get_weights();
  EXPECT_TRUE(contains(error_of([&] { port_weights(*wider, keras_model); }),
                       "layer 0: PyTorch module '0' (Linear) gives kernel of shape [3, 5], Keras layer 'dense' (Dense) "
                       "has [3, 4]"));
  expect_same_values(keras_model.get_weights(), keras_before);

  nn::Sequential deeper(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2), nn::Linear(2, 2));
  EXPECT_TRUE(contains(error_of([&] { port_weights(keras_model, *deeper); }),
                       "layer 2: PyTorch module '3' (Linear) has state, and the Keras model has no layer left for it"));
  nn::Sequential no_bias(nn::Linear(nn::LinearOptions(3, 4).bias(false)), nn::ReLU(), nn::Linear(4, 2));
  EXPECT_TRUE(contains(error_of([&] { port_weights(*no_bias, keras_model); }),
                       "layer 0: PyTorch module '0' (Linear) for Keras layer 'dense' (Dense): has no 'bias' entry"));
}

// A layer kind's helper registers its layout; here a stand-in pair (Keras Normalization's
// mean / variance / count against a module with the same three buffers under PyTorch-style names).
struct StatsImpl : nn::Module {
  StatsImpl() {
    register_parameter("running_mean", Tensor::zeros({3}), false);
    register_parameter("running_var", Tensor::ones({3}), false);
  }
  std::string type_name() const override { return "Stats"; }
};

TEST(Porting, ALayerKindPlugsInItsLayout) {
  register_weight_layout({.keras_class = "Normalization",
                          .torch_type = "Stats",
                          .to_torch =
                              [](const keras::layers::Layer&, const std::vector<Tensor>& k) {
                                return torch::StateDict{{"running_mean", k[0]}, {"running_var", k[1]}};
                              },
                          .to_keras = [](const keras::layers::Layer&, const torch::StateDict& t) {
                            return std::vector<Tensor>{t[0].second, t[1].second, Tensor::scalar(0)};
                          }});
  keras::layers::Normalization norm;
  norm.adapt(Tensor::from_rows({{1, 2, 3}, {3, 6, 9}}));
  keras::Sequential model({std::make_shared<keras::layers::Normalization>(norm), keras::layers::Dense(2)});
  model.build(3);
  auto module = std::make_shared<nn::SequentialImpl>();
  module->push_back(std::make_shared<StatsImpl>());
  module->push_back(nn::Linear(3, 2));
  port_weights(model, *module);
  EXPECT_TRUE((module->state_dict()[0].second.data() == model.get_weights()[0].data()).all());  // mean [2, 4, 6]
}

}  // namespace
}  // namespace duet::compare
