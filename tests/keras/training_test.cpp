// keras_like: optimisers, classification losses, metrics, validation, callbacks, summary and
// weight files, each against Keras' definitions.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "duet/core/error.h"
#include "support/test_helpers.h"
#include "duet/core/ops.h"
#include "duet/core/tensor_file.h"
#include "duet/keras.h"

namespace duet::keras {
namespace {

namespace fs = std::filesystem;

using test::error_of;

// A 2-feature, 2-class toy set, linearly separable on x1 + x2.
struct Blobs {
  Tensor x, y_binary, y_onehot, y_index;
};
Blobs blobs(int n = 64) {
  Generator g(3);
  std::vector<std::vector<float>> x, yb, yo;
  for (int i = 0; i < n; ++i) {
    const int c = i % 2;
    const float centre = c ? 1.0f : -1.0f;
    x.push_back({centre + 0.5f * static_cast<float>(g.normal()), centre + 0.5f * static_cast<float>(g.normal())});
    yb.push_back({static_cast<float>(c)});
    yo.push_back({c ? 0.0f : 1.0f, c ? 1.0f : 0.0f});
  }
  // Class indices as a [N, 1] column, as Keras users pass sparse labels.
  return {Tensor::from_rows(x), Tensor::from_rows(yb), Tensor::from_rows(yo), Tensor::from_rows(yb)};
}

TEST(Optimizers, DefaultsAreKeras) {
  EXPECT_FLOAT_EQ(optimizers::SGDOptions{}.learning_rate, 0.01f);
  EXPECT_FLOAT_EQ(optimizers::AdamOptions{}.epsilon, 1e-7f);
  EXPECT_FLOAT_EQ(optimizers::AdamOptions{}.learning_rate, 1e-3f);
  EXPECT_FLOAT_EQ(optimizers::RMSpropOptions{}.rho, 0.9f);
  EXPECT_FLOAT_EQ(optimizers::AdagradOptions{}.initial_accumulator_value, 0.1f);
  EXPECT_EQ(optimizers::get("Adam")->name(), "Adam");
}

TEST(Optimizers, KerasAdamFirstStep) {
  // One variable w = 0 with gradient 2: m = 0.2, v = 0.004, alpha = lr sqrt(0.001) / 0.1;
  // step = alpha * 0.2 / (sqrt(0.004) + 1e-7) = 0.001 * 0.316228 * 0.2 / 0.0632457 = 0.00099999842
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  mul_scalar(w, 2.0f).backward();
  optimizers::Adam adam;
  adam.apply_gradients({w});
  EXPECT_NEAR(w.item(), -0.00099999842f, 1e-9f);
}

// A scalar weight w = 0 stepped with the given gradients (and learning rates, when they change).
float steps(optimizers::Optimizer& opt, const std::vector<float>& grads, const std::vector<float>& lrs = {}) {
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  for (std::size_t i = 0; i < grads.size(); ++i) {
    if (!lrs.empty()) opt.set_learning_rate(lrs[i]);
    w.zero_grad();
    mul_scalar(w, grads[i]).backward();
    opt.apply_gradients({w});
  }
  return w.item();
}

// Each Keras rule with an epsilon large enough that its placement shows; worked by hand from
// keras/src/optimizers/*.py (the arithmetic is in tests/core/optim_test.cpp and in
// tools/golden/gen_keras_rules.py --selftest). PyTorch's placements give 0.0833, 0.1766, 0.1111.
TEST(Optimizers, EpsilonGoesWhereKerasPutsIt) {
  // Adam: epsilon added to sqrt(v) before bias correction.
  optimizers::Adam adam({.learning_rate = 0.1f, .epsilon = 0.1f});
  EXPECT_NEAR(steps(adam, {0.5f}), -0.0136527059f, 2e-6f);
  // RMSprop: inside the root, 0.1 * 2 / sqrt(0.4 + 0.5).
  optimizers::RMSprop rmsprop({.learning_rate = 0.1f, .epsilon = 0.5f});
  EXPECT_NEAR(steps(rmsprop, {2.0f}), -0.2108185107f, 2e-6f);
  // Adagrad: inside the root, from the 0.1 accumulator: 0.2 / sqrt(5.1) + 0.1 / sqrt(6.1).
  optimizers::Adagrad adagrad({.learning_rate = 0.1f, .epsilon = 1.0f});
  EXPECT_NEAR(steps(adagrad, {2.0f, 1.0f}), -0.1290503051f, 2e-6f);
}

TEST(Optimizers, RMSpropKeepsTheLearningRateInsideItsMomentumBuffer) {
  // keras/src/optimizers/rmsprop.py: b = m b + lr g / sqrt(v + eps); w -= b. With lr 0.1 then
  // 0.01 (a schedule), g = 2, rho 0.9, momentum 0.9, eps 0: v1 = 0.4, v2 = 0.76,
  // w = -(0.1 * 2 / sqrt(0.4) + 0.9 * 0.1 * 2 / sqrt(0.4) + 0.01 * 2 / sqrt(0.76)) = -0.6237743.
  // (PyTorch's lr-after-the-buffer form gives -0.3676298 here.)
  Tensor w = Tensor::from_data({1}, {0.0f}).set_requires_grad(true);
  optimizers::RMSprop opt({.learning_rate = 0.1f, .rho = 0.9f, .momentum = 0.9f, .epsilon = 0.0f});
  for (float lr : {0.1f, 0.01f}) {
    opt.set_learning_rate(lr);
    w.zero_grad();
    mul_scalar(w, 2.0f).backward(Tensor::from_data({1}, {1.0f}));
    opt.apply_gradients({w});
  }
  EXPECT_NEAR(w.data()[0], -0.6237743288f, 1e-5f);
}

TEST(Optimizers, SgdMomentumIsAVelocity) {
  // keras/src/optimizers/sgd.py: v = m v - lr g with the lr of each step. g = 1, m 0.9, lr 0.1 then
  // 0.01: v = -0.1, -0.1 -> w = -0.2 (PyTorch's buffer would give -0.1 - 0.01 * 1.9 = -0.119).
  optimizers::SGD sgd({.learning_rate = 0.1f, .momentum = 0.9f});
  EXPECT_NEAR(steps(sgd, {1.0f, 1.0f}, {0.1f, 0.01f}), -0.2f, 1e-6f);
}

TEST(Losses, HuberDefaultsToDeltaOne) {
  // keras.losses.Huber(delta=1.0): a residual of 3 costs 1 * (3 - 0.5) = 2.5 (delta 0.5 would give 1.375).
  const Tensor y = Tensor::from_rows({{0}}), p = Tensor::from_rows({{3}});
  EXPECT_FLOAT_EQ(losses::Huber().fn(y, p).item(), 2.5f);
  EXPECT_FLOAT_EQ(losses::get("huber").fn(y, p).item(), 2.5f);
}

TEST(Losses, BinaryCrossentropyClipsLikeKeras) {
  // A prediction of exactly 0 for a positive: Keras clips to 1e-7, -log(1e-7) = 16.118
  // (PyTorch's BCELoss would floor the log at -100 instead).
  EXPECT_NEAR(losses::BinaryCrossentropy().fn(Tensor::from_rows({{1}}), Tensor::from_rows({{0}})).item(), 16.118096f,
              1e-4f);
}

TEST(Losses, BinaryAndCategoricalFollowKeras) {
  const Tensor y = Tensor::from_rows({{1}, {0}});
  const Tensor p = Tensor::from_rows({{0.8f}, {0.4f}});
  EXPECT_NEAR(losses::BinaryCrossentropy().fn(y, p).item(), -(std::log(0.8) + std::log(0.6)) / 2, 1e-6);
  const Tensor logits = Tensor::from_rows({{1.3862944f}, {-0.4054651f}});  // log-odds of 0.8 and 0.4
  EXPECT_NEAR(losses::BinaryCrossentropy(true).fn(y, logits).item(), -(std::log(0.8) + std::log(0.6)) / 2, 1e-6);
  const Tensor probs = Tensor::from_rows({{0.7f, 0.2f, 0.1f}, {0.1f, 0.1f, 0.8f}});
  const Tensor onehot = Tensor::from_rows({{1, 0, 0}, {0, 0, 1}});
  const double expected = -(std::log(0.7) + std::log(0.8)) / 2;
  EXPECT_NEAR(losses::CategoricalCrossentropy().fn(onehot, probs).item(), expected, 1e-6);
  EXPECT_NEAR(losses::SparseCategoricalCrossentropy().fn(Tensor::from_rows({{0}, {2}}), probs).item(), expected, 1e-6);
  EXPECT_NE(error_of([&] { losses::SparseCategoricalCrossentropy().fn(Tensor::from_rows({{0}, {3}}), probs); })
                .find("label value of 3 (sample 1) which is outside the valid range of [0, 3)"),
            std::string::npos);
}

TEST(Fit, BinaryClassifierReportsAccuracy) {
  utils::set_random_seed(0);
  const Blobs b = blobs();
  Sequential model({layers::Dense(8, {.activation = "relu", .input_shape = {2}}), layers::Dense(1, {.activation = "sigmoid"})});
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  const History h = model.fit(b.x, b.y_binary, {.epochs = 60, .batch_size = 16, .verbose = 0, .validation_split = 0.25f});
  ASSERT_EQ(h["accuracy"].size(), 60u);
  ASSERT_EQ(h["val_accuracy"].size(), 60u);
  EXPECT_GT(h["accuracy"].back(), 0.9);
  EXPECT_GT(h["val_accuracy"].back(), 0.85);
  EXPECT_LT(h["loss"].back(), h["loss"].front());
  const Scores logs = model.evaluate(b.x, b.y_binary, {.verbose = 0});
  EXPECT_GT(logs.at("accuracy"), 0.9);
}

TEST(Fit, AccuracyIsResolvedForTheBuiltModelsWidth) {
  // Compiled before the model is built: with one output, Keras' "accuracy" is binary accuracy.
  // Predictions -0.4 and 0.6 threshold (> 0.5) to 0 and 1 against labels 1 and 0: accuracy 0 (a
  // categorical argmax over one column would wrongly say 1).
  Sequential model({layers::Dense(1)});
  model.compile(optimizers::SGD({.learning_rate = 0}), "mse", {"accuracy"});
  model.build(1);
  model.set_weights({Tensor::from_rows({{1}}), Tensor::from_data({1}, {-1.4f})});
  const Scores logs = model.evaluate(Tensor::from_rows({{1}, {2}}), Tensor::from_rows({{1}, {0}}), {.verbose = 0});
  EXPECT_DOUBLE_EQ(logs.at("accuracy"), 0.0);
}

TEST(Fit, SoftmaxWithSparseLabels) {
  utils::set_random_seed(0);
  const Blobs b = blobs();
  Sequential model({layers::Input({2}), layers::Dense(2), layers::Activation("softmax")});
  model.compile(optimizers::Adam({.learning_rate = 0.05f}), "sparse_categorical_crossentropy", {"accuracy"});
  const History h = model.fit(b.x, b.y_index, {.epochs = 40, .verbose = 0});
  EXPECT_GT(h["accuracy"].back(), 0.9);
  EXPECT_EQ(model.layers()[1]->name(), "dense");
}

TEST(Fit, ValidationSplitTakesTheLastRows) {
  // With learning_rate 0 nothing trains, so val_loss must be the loss on exactly the last 2 rows.
  const Tensor x = Tensor::from_rows({{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}});
  const Tensor y = Tensor::from_rows({{0}, {0}, {0}, {0}, {0}, {0}, {10}, {10}});
  Sequential model({layers::Dense(1, {.kernel_initializer = "zeros", .input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 0}), "mse");
  const History h = model.fit(x, y, {.epochs = 1, .verbose = 0, .validation_split = 0.25f});
  EXPECT_DOUBLE_EQ(h["val_loss"][0], 100.0);
  EXPECT_DOUBLE_EQ(h["loss"][0], 0.0);
  EXPECT_NE(error_of([&] { model.fit(slice_rows(x, 0, 1), slice_rows(y, 0, 1), {.validation_split = 0.5f}); })
                .find("leaves no training samples out of 1"),
            std::string::npos);
}

TEST(Callbacks, EarlyStoppingRestoresTheBestWeights) {
  // lr 0 keeps val_loss constant: no improvement after the first epoch, so with patience 2 the
  // run stops at epoch index 2 (the third epoch).
  const Tensor x = Tensor::from_rows({{0}, {1}, {2}, {3}});
  const Tensor y = Tensor::from_rows({{1}, {1}, {1}, {1}});
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 0}), "mse");
  auto stop = std::make_shared<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.monitor = "loss", .patience = 2, .restore_best_weights = true});
  // No shuffling: the loss is then bit-identical every epoch (a new order could round it lower).
  const History h = model.fit(x, y, {.epochs = 50, .shuffle = false, .verbose = 0, .callbacks = {stop}});
  EXPECT_EQ(h["loss"].size(), 3u);
  EXPECT_EQ(stop->stopped_epoch(), 2);
  EXPECT_EQ(stop->best_epoch(), 0);
}

TEST(Callbacks, TerminateOnNaNAndLambda) {
  std::ostringstream out;
  const auto saved = utils::set_output_sink(std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  const Tensor x = Tensor::from_rows({{1}, {2}, {3}, {4}});
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 100}), "mse");
  int epochs_seen = 0;
  auto counter = std::make_shared<callbacks::LambdaCallback>();
  counter->on_epoch_end_fn = [&](int, const Logs&) { ++epochs_seen; };
  const History h = model.fit(x, x, {.epochs = 500, .batch_size = 1, .verbose = 0,
                                     .callbacks = {std::make_shared<callbacks::TerminateOnNaN>(), counter}});
  utils::restore_output_sinks(saved);
  EXPECT_LT(h["loss"].size(), 500u);
  EXPECT_NE(out.str().find("Invalid loss, terminating training"), std::string::npos) << out.str();
  EXPECT_EQ(static_cast<std::size_t>(epochs_seen), h["loss"].size());
}

TEST(Summary, KerasTable) {
  Sequential model({layers::Dense(4, {.activation = "relu", .input_shape = {2}}), layers::Dense(1)});
  const std::string s = model.summary_text();
  EXPECT_NE(s.find(" dense (Dense)               (None, 4)                 12        "), std::string::npos) << s;
  EXPECT_NE(s.find(" dense_1 (Dense)             (None, 1)                 5         "), std::string::npos) << s;
  // Keras 3's counts with their float32 sizes (summary_utils.py): 17 * 4 = 68 bytes.
  EXPECT_NE(s.find(" Total params: 17 (68.00 B)\n Trainable params: 17 (68.00 B)\n Non-trainable params: 0 (0.00 B)\n"),
            std::string::npos)
      << s;
}

TEST(Weights, SaveLoadRoundTripAndMismatch) {
  const test::TempDir dir("duet_keras_w");
  utils::set_random_seed(1);
  Sequential a({layers::Dense(3, {.input_shape = {2}}), layers::Dense(1)});
  utils::set_random_seed(2);
  Sequential b({layers::Dense(3, {.input_shape = {2}}), layers::Dense(1)});
  a.save_weights(dir / "a.weights.h5");
  b.load_weights(dir / "a.weights.h5");
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE((a.get_weights()[i].data() == b.get_weights()[i].data()).all());
  Sequential c({layers::Dense(4, {.input_shape = {2}}), layers::Dense(1)});
  const auto before = c.get_weights();
  EXPECT_NE(error_of([&] { c.load_weights(dir / "a.weights.h5"); })
                .find("layers/dense/vars/0: shape (2, 3); layer 'dense' (Dense) has kernel of shape (2, 4)"),
            std::string::npos);
  EXPECT_TRUE((c.get_weights()[0].data() == before[0].data()).all());
  tensor_file::save(dir / "t.pt", "torch.state_dict", {});
  EXPECT_NE(error_of([&] { c.load_weights(dir / "t.pt"); }).find("expected 'keras.weights'"), std::string::npos);
}

TEST(Layers, DropoutOnlyWhileTraining) {
  utils::set_random_seed(0);
  layers::Dropout drop(0.5f);
  const Tensor x = Tensor::ones({1, 1000});
  EXPECT_TRUE(drop.call(x, false).same_as(x));
  const auto kept = (drop.call(x, true).data() != 0.0f).count();
  EXPECT_GT(kept, 430);  // Binomial(1000, 0.5): +-4.4 sigma
  EXPECT_LT(kept, 570);
  EXPECT_NE(error_of([] { layers::Dropout(1.0f); }).find("Received: rate=1"), std::string::npos);
  EXPECT_NE(error_of([] { Sequential m; m.compile("sgd", "mse", {"f1"}); }).find("metric identifier: 'f1'"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::keras
