// Porting weights between the styles: Keras -> PyTorch -> Keras is exact, ported models predict
// alike (MLPs, CNNs with the flatten order, LSTM / GRU, batch normalization), a real PyTorch
// state_dict ports into a Keras model with PyTorch's predictions, and the first layer that does
// not fit is named with nothing changed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "duet/compare/porting.h"
#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/core/random.h"
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

// Every layout rule of the comparator's layer kinds ports: a small CNN (Conv2D kernel layout,
// max pooling, the flatten's row order), recurrent layers (LSTM's one bias into two, GRU's
// gate order and two bias rows) and batch normalization (its moving statistics).
void porting_expect_close(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape().vec(), b.shape().vec());
  for (Eigen::Index i = 0; i < a.data().size(); ++i) EXPECT_NEAR(a.data()[i], b.data()[i], 1e-5f) << "value " << i;
}

Tensor porting_random(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return init::uniform(shape, -1.0f, 1.0f, gen);
}

TEST(Porting, ConvolutionsPoolingAndTheFlattenOrderPortBothWays) {
  keras::utils::set_random_seed(6);
  keras::Sequential keras_model({keras::layers::Conv2D(3, {2, 2}, {.activation = "relu", .input_shape = {5, 4, 2}}),
                                 keras::layers::MaxPooling2D({.pool_size = {2, 2}}), keras::layers::Flatten(),
                                 keras::layers::Dense(2)});
  nn::Sequential torch_model(nn::Conv2d(nn::Conv2dOptions(2, 3, {2, 2})), nn::ReLU(),
                             nn::MaxPool2d(nn::MaxPool2dOptions({2, 2})), nn::Flatten(), nn::Linear(6, 2));
  port_weights(keras_model, *torch_model);
  const Tensor x = porting_random({3, 5, 4, 2}, 11);  // NHWC; PyTorch reads NCHW
  porting_expect_close(torch_model->forward(x.permute({0, 3, 1, 2}).contiguous()), keras_model.predict(x));
  // Back into a fresh Keras model: the same values exactly.
  keras::utils::set_random_seed(7);
  keras::Sequential back({keras::layers::Conv2D(3, {2, 2}, {.activation = "relu", .input_shape = {5, 4, 2}}),
                          keras::layers::MaxPooling2D({.pool_size = {2, 2}}), keras::layers::Flatten(),
                          keras::layers::Dense(2)});
  port_weights(*torch_model, back);
  expect_same_values(back.get_weights(), keras_model.get_weights());
}

// PyTorch's way of an embedding before a convolution: the [N, L, C] embeddings transposed to NCL
// in forward, so the flatten runs over [C, L] and the dense rows must be permuted when porting.
class PortingTokenConvNetImpl : public nn::Module {
 public:
  PortingTokenConvNetImpl()
      : emb_(register_module("emb", nn::Embedding(nn::EmbeddingOptions(6, 3)))),
        conv_(register_module("conv", nn::Conv1d(nn::Conv1dOptions(3, 2, 2)))),
        head_(register_module("head", nn::Linear(4, 1))) {}
  Tensor forward(const Tensor& tokens) override {
    const Tensor signal = conv_->forward(emb_->forward(tokens).transpose(1, 2));
    return head_->forward(pool_->forward(signal).flatten(1));
  }

 private:
  std::shared_ptr<nn::EmbeddingImpl> emb_;
  std::shared_ptr<nn::Conv1dImpl> conv_;
  std::shared_ptr<nn::MaxPool1dImpl> pool_ = std::make_shared<nn::MaxPool1dImpl>(nn::MaxPool1dOptions(2));
  std::shared_ptr<nn::LinearImpl> head_;
};

TEST(Porting, AConvolutionAfterAnEmbeddingPortsWithTheChannelsFirstFlattenOrder) {
  const auto keras_net = [] {
    return keras::Sequential({keras::layers::Embedding(6, 3, {.input_shape = {6}}), keras::layers::Conv1D(2, 2),
                              keras::layers::MaxPooling1D(), keras::layers::Flatten(), keras::layers::Dense(1)});
  };
  keras::utils::set_random_seed(10);
  keras::Sequential keras_model = keras_net();
  torch::manual_seed(4);
  PortingTokenConvNetImpl torch_model;
  port_weights(keras_model, torch_model);
  const Tensor tokens = Tensor::from_rows({{1, 3, 2, 0, 5, 4}, {0, 1, 1, 3, 0, 2}, {5, 5, 3, 2, 2, 1}});
  const Tensor token_ids = torch::tensor({{1, 3, 2, 0, 5, 4}, {0, 1, 1, 3, 0, 2}, {5, 5, 3, 2, 2, 1}});  // int64
  porting_expect_close(torch_model.forward(token_ids), keras_model.predict(tokens));
  keras::utils::set_random_seed(11);
  keras::Sequential back = keras_net();
  port_weights(torch_model, back);
  expect_same_values(back.get_weights(), keras_model.get_weights());
}

class PortingRecurrentNetImpl : public nn::Module {
 public:
  explicit PortingRecurrentNetImpl(bool gru) {
    if (gru) {
      gru_ = register_module("rnn", nn::GRU(nn::GRUOptions(2, 3).batch_first(true)));
    } else {
      lstm_ = register_module("rnn", nn::LSTM(nn::LSTMOptions(2, 3).batch_first(true)));
    }
    head_ = register_module("head", nn::Linear(3, 1));
  }
  Tensor forward(const Tensor& x) override {
    const Tensor all = gru_ ? std::get<0>(gru_->forward(x)) : std::get<0>(lstm_->forward(x));
    return head_->forward(all.select(1, all.size(1) - 1));  // Keras hands on the last step
  }

 private:
  std::shared_ptr<nn::GRUImpl> gru_;
  std::shared_ptr<nn::LSTMImpl> lstm_;
  std::shared_ptr<nn::LinearImpl> head_;
};

TEST(Porting, RecurrentLayersPortWithTheirGateOrderAndBiases) {
  for (const bool gru : {false, true}) {
    SCOPED_TRACE(gru ? "GRU" : "LSTM");
    const auto keras_rnn = [gru]() -> keras::layers::LayerRef {
      if (gru) return std::make_shared<keras::layers::GRU>(3, keras::layers::RecurrentOptions{.input_shape = {4, 2}});
      return std::make_shared<keras::layers::LSTM>(3, keras::layers::RecurrentOptions{.input_shape = {4, 2}});
    };
    keras::utils::set_random_seed(8);
    keras::Sequential keras_model({keras_rnn(), keras::layers::Dense(1)});
    // Non-zero biases, so the gate order and the bias split matter.
    auto weights = keras_model.get_weights();
    weights[2] = porting_random(weights[2].shape(), 13);
    keras_model.set_weights(weights);
    torch::manual_seed(3);
    PortingRecurrentNetImpl torch_model(gru);
    port_weights(keras_model, torch_model);
    const Tensor x = porting_random({2, 4, 2}, 12);
    porting_expect_close(torch_model.forward(x), keras_model.predict(x));
    // PyTorch -> Keras gives the Keras values back (an LSTM's bias as bias_ih + bias_hh, here + 0).
    keras::utils::set_random_seed(9);
    keras::Sequential back({keras_rnn(), keras::layers::Dense(1)});
    port_weights(torch_model, back);
    expect_same_values(back.get_weights(), keras_model.get_weights());
  }
}

// duet-compare --weights with a recurrent model: the file's LSTM state lands in the LSTM module
// inside the comparator's last-step wrapper and comes back in Keras' layout, as port_weights gives it.
TEST(Porting, WeightsFileWithARecurrentLayer) {
  torch::manual_seed(5);
  PortingRecurrentNetImpl torch_model(false);
  test::TempDir dir("porting");
  torch::save(torch_model.state_dict(), dir / "lstm.pt");
  Generator gen(3);
  nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
  for (int r = 0; r < 2; ++r) {
    nlohmann::json steps = nlohmann::json::array();
    for (int t = 0; t < 4; ++t) steps.push_back({gen.uniform(-1.0f, 1.0f), gen.uniform(-1.0f, 1.0f)});
    x.push_back(steps);
    y.push_back({gen.uniform(-1.0f, 1.0f)});
  }
  const nlohmann::json doc = {
      {"data", {{"x", x}, {"y", y}}},
      {"layers", {{{"type", "lstm"}, {"units", 3}}, {{"type", "dense"}, {"units", 1}}}},
      {"epochs", 1},
      {"keras", {{"optimizer", {{"name", "sgd"}, {"learning_rate", 0.1}}}, {"loss", "mse"}}},
      {"torch", {{"optimizer", {{"name", "sgd"}, {"lr", 0.1}}}, {"loss", {{"name", "mse"}, {"reduction", "mean"}}}}}};
  const auto e = with_weights_file(parse_experiment(doc, (dir / "lstm.pt").parent_path()), dir / "lstm.pt");
  keras::Sequential keras_model({std::make_shared<keras::layers::LSTM>(3, keras::layers::RecurrentOptions{.input_shape = {4, 2}}),
                                 keras::layers::Dense(1)});
  port_weights(torch_model, keras_model);
  std::vector<Tensor> from_file;
  for (const auto& layer : *e.initial_weights)
    for (const auto& [name, value] : layer) from_file.push_back(value);
  expect_same_values(from_file, keras_model.get_weights());
}

TEST(Porting, BatchNormalizationStatisticsPort) {
  keras::utils::set_random_seed(10);
  keras::Sequential keras_model({keras::layers::Dense(3, {.input_shape = {2}}), keras::layers::BatchNormalization(),
                                 keras::layers::Dense(1)});
  auto weights = keras_model.get_weights();
  for (std::size_t i = 2; i < 6; ++i) weights[i] = porting_random(weights[i].shape(), 20 + i);  // gamma .. variance
  weights[5] = weights[5] * weights[5] + 0.5f;  // a variance
  keras_model.set_weights(weights);
  nn::Sequential torch_model(nn::Linear(2, 3), nn::BatchNorm1d(nn::BatchNormOptions(3).eps(1e-3)), nn::Linear(3, 1));
  port_weights(keras_model, *torch_model);
  EXPECT_EQ(torch_model->state_dict()[4].first, "1.running_mean");
  EXPECT_TRUE((torch_model->state_dict()[4].second.data() == weights[4].data()).all());
  torch_model->eval();  // running statistics, as Keras' predict uses its moving ones
  const Tensor x = porting_random({4, 2}, 14);
  porting_expect_close(torch_model->forward(x), keras_model.predict(x));
  keras::Sequential back({keras::layers::Dense(3, {.input_shape = {2}}), keras::layers::BatchNormalization(),
                          keras::layers::Dense(1)});
  port_weights(*torch_model, back);
  expect_same_values(back.get_weights(), keras_model.get_weights());
}

TEST(Porting, ALayerWithoutALayerKindIsNamed) {
  keras::layers::Normalization norm;
  norm.adapt(Tensor::from_rows({{1, 2, 3}, {3, 6, 9}}));
  keras::Sequential model({std::make_shared<keras::layers::Normalization>(norm), keras::layers::Dense(2)});
  model.build(3);
  auto module = torch_mlp();
  const auto message = error_of([&] { port_weights(model, *module); });
  EXPECT_TRUE(contains(message, "layer 0: Keras layer 'normalization' (Normalization) has no weight layout to port"))
      << message;
  nn::Sequential conv(nn::Conv2d(nn::Conv2dOptions(3, 4, {1, 1})), nn::Linear(4, 2));
  EXPECT_TRUE(contains(error_of([&] { port_weights(keras_mlp(), *conv); }),
                       "layer 0: Keras layer 'dense' (Dense) faces PyTorch module '0' (Conv2d), expected a Linear"));
}

}  // namespace
}  // namespace duet::compare
