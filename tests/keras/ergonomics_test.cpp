// keras_like: Keras' Python habits in C++: 1-D targets, evaluate's [loss, metric...] result,
// callbacks by value, the summary's counts, and the order of the per-epoch logs.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <cmath>
#include <regex>
#include <sstream>

#include "duet/core/error.h"
#include "duet/keras.h"
#include "support/captured_output.h"
#include "support/test_helpers.h"
#include "support/tensor_checks.h"

namespace duet::keras {
namespace {

using test::error_of;

using test::kArticleXs;
using test::kArticleYs;
const Tensor kYs1d = Tensor::from_data({6}, {-3, -1, 1, 3, 5, 7});

// y = 0.5 x: residuals -2.5, -1, 0.5, 2, 3.5, 5, so mse = 48.75 / 6 = 8.125 and mae = 14.5 / 6.
Sequential half_line(std::vector<std::string> metrics = {}) {
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.set_weights({Tensor::from_rows({{0.5f}}), Tensor::from_data({1}, {0.0f})});
  model.compile(optimizers::SGD({.learning_rate = 0}), "mse", std::move(metrics));
  return model;
}

using test::CapturedOutput;

TEST(OneDimensionalTargets, FitAndEvaluateReadThemAsOneColumn) {
  // Keras expands y of shape (6,) to (6, 1): the same losses as with the column.
  Sequential model = half_line();
  EXPECT_DOUBLE_EQ(model.fit(kArticleXs, kYs1d, {.epochs = 1, .verbose = 0})["loss"][0], 8.125);
  EXPECT_DOUBLE_EQ(model.evaluate(kArticleXs, kYs1d, {.verbose = 0}), 8.125);
  const History h = model.fit(kArticleXs, kYs1d, {.epochs = 1, .verbose = 0, .validation_split = 0.5f});
  EXPECT_DOUBLE_EQ(h["val_loss"][0], (4.0 + 12.25 + 25.0) / 3);  // the last three rows
  EXPECT_NE(error_of([&] { model.fit(kArticleXs, Tensor::zeros({6, 1, 1}), {.verbose = 0}); })
                .find("fit: y must be 1-D [samples] or 2-D [samples, outputs], got shape [6, 1, 1]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model.evaluate(kArticleXs, Tensor::zeros({5}), {.verbose = 0}); })
                .find("evaluate: x and y must have the same number of samples, got x [6, 1] and y [5]"),
            std::string::npos);
}

TEST(OneDimensionalTargets, SparseLabelsAsAVector) {
  // Two classes from softmax of a zero model: every prediction is [0.5, 0.5], loss log 2.
  Sequential model({layers::Dense(2, {.activation = "softmax", .kernel_initializer = "zeros", .input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 0}), "sparse_categorical_crossentropy");
  const auto loss = static_cast<double>(model.evaluate(kArticleXs, Tensor::from_data({6}, {0, 1, 1, 0, 1, 0}), {.verbose = 0}));
  EXPECT_NEAR(loss, std::log(2.0), 1e-6);
}

TEST(EvaluateResult, ScalarWithoutMetricsListWithThem) {
  // Keras: evaluate returns the scalar loss without metrics, else [loss, metric...] in
  // metrics_names order.
  Sequential plain = half_line();
  const double mse = plain.evaluate(kArticleXs, kArticleYs, {.verbose = 0});
  EXPECT_DOUBLE_EQ(mse, 8.125);

  Sequential model = half_line({"mae", "mse"});
  EXPECT_EQ(model.metrics_names(), (std::vector<std::string>{"loss", "mae", "mse"}));
  const auto [loss, mae, metric_mse] = model.evaluate(kArticleXs, kArticleYs, {.verbose = 0}).unpack<3>();
  EXPECT_DOUBLE_EQ(loss, 8.125);
  EXPECT_NEAR(mae, 14.5 / 6, 1e-6);
  EXPECT_DOUBLE_EQ(metric_mse, 8.125);
  const Scores scores = model.evaluate(kArticleXs, kArticleYs, {.verbose = 0});
  EXPECT_EQ(scores.size(), 3u);
  EXPECT_DOUBLE_EQ(scores[0], 8.125);
  EXPECT_NEAR(scores["mae"], 14.5 / 6, 1e-6);
  EXPECT_NEAR(scores.dict().at("mae"), 14.5 / 6, 1e-6);
  double sum = 0;
  for (double v : scores) sum += v;
  EXPECT_NEAR(sum, 8.125 * 2 + 14.5 / 6, 1e-6);

  // Never a silent drop of the metrics.
  EXPECT_NE(error_of([&] { [[maybe_unused]] const double d = scores; })
                .find("evaluate returned 3 values [loss, mae, mse], not one scalar loss"),
            std::string::npos);
  EXPECT_NE(error_of([&] { scores.unpack<2>(); }).find("unpack: evaluate returned 3 values [loss, mae, mse], not 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] { scores.at("accuracy"); }).find("no value named 'accuracy'"), std::string::npos);
  EXPECT_NE(error_of([&] { scores[3]; }).find("index 3 is out of range"), std::string::npos);
}

TEST(CallbacksByValue, EarlyStoppingAndLambdaPassedAsValues) {
  // lr 0 keeps the loss constant: patience 2 stops after the third epoch, as with a shared_ptr.
  Sequential model = half_line();
  int epochs_seen = 0;
  callbacks::LambdaCallback counter;
  counter.on_epoch_end_fn = [&](int, const Logs&) { ++epochs_seen; };
  const History h =
      model.fit(kArticleXs, kArticleYs, {.epochs = 50, .shuffle = false, .verbose = 0,
                           .callbacks = {callbacks::EarlyStopping({.monitor = "loss", .patience = 2}), counter}});
  EXPECT_EQ(h["loss"].size(), 3u);
  EXPECT_EQ(epochs_seen, 3);
  EXPECT_NE(error_of([&] {
              model.fit(kArticleXs, kArticleYs, {.verbose = 0, .callbacks = {std::shared_ptr<callbacks::TerminateOnNaN>()}});
            }).find("fit: callbacks[0] is null"),
            std::string::npos);
}

TEST(CallbacksByValue, OneHistoryPathWithOrWithoutCallbacksAndOutput) {
  // fit records the same History whether or not callbacks run and output is printed.
  auto train = [](bool observed) {
    utils::set_random_seed(3);
    Sequential model({layers::Dense(3, {.activation = "tanh", .input_shape = {1}}), layers::Dense(1)});
    model.compile("adam", "mse", {"mae"});
    CapturedOutput out;
    callbacks::LambdaCallback noop;
    noop.on_batch_end_fn = [](int, const Logs&) {};
    if (!observed) return model.fit(kArticleXs, kArticleYs, {.epochs = 5, .batch_size = 4, .verbose = 0, .validation_split = 0.34f});
    return model.fit(kArticleXs, kArticleYs,
                     {.epochs = 5, .batch_size = 4, .verbose = 2, .validation_split = 0.34f, .callbacks = {noop}});
  };
  const History quiet = train(false), observed = train(true);
  EXPECT_EQ(quiet.history, observed.history);
  EXPECT_EQ(quiet.epoch, observed.epoch);
  EXPECT_EQ(quiet.history.size(), 4u);  // loss, mae, val_loss, val_mae
}

TEST(SummaryCounts, ThousandsSeparatorsAndSizes) {
  // Keras 3 (summary_utils.py): "{:,}" counts, sizes in 1024-byte units with two decimals.
  Sequential model({layers::Dense(1000, {.input_shape = {2}}), layers::Dense(1)});
  const std::string s = model.summary_text();
  EXPECT_NE(s.find(" dense (Dense)               (None, 1000)              3,000     \n"), std::string::npos) << s;
  EXPECT_NE(s.find(" dense_1 (Dense)             (None, 1)                 1,001     \n"), std::string::npos) << s;
  // 4,001 float32 values = 16,004 bytes = 15.63 KB.
  EXPECT_NE(s.find(" Total params: 4,001 (15.63 KB)\n Trainable params: 4,001 (15.63 KB)\n"
                   " Non-trainable params: 0 (0.00 B)\n"),
            std::string::npos)
      << s;
  Sequential unbuilt({layers::Dense(2)});
  EXPECT_NE(unbuilt.summary_text().find(" dense (Dense)               ?                         0 (unused)"),
            std::string::npos)
      << unbuilt.summary_text();
}

TEST(VerboseTwo, LogsInKerasOrderLossMetricsThenValidation) {
  CapturedOutput out;
  Sequential model = half_line({"mae"});
  model.fit(kArticleXs, kArticleYs, {.epochs = 1, .shuffle = false, .verbose = 2, .validation_split = 0.5f});
  // Training rows 0-2: mse (6.25 + 1 + 0.25) / 3 = 2.5, mae 4 / 3; validation rows 3-5: mse
  // (4 + 12.25 + 25) / 3 = 13.75, mae 10.5 / 3 = 3.5.
  const std::regex expected(
      "Epoch 1/1\n1/1 - 0s - loss: 2\\.5000 - mae: 1\\.3333 - val_loss: 13\\.7500 - val_mae: 3\\.5000 - "
      "\\d+(us|ms)/epoch - \\d+(us|ms)/step\n");
  EXPECT_TRUE(std::regex_match(out.text(), expected)) << out.text();
}

}  // namespace
}  // namespace duet::keras
