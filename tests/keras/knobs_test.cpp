// keras_like training knobs, each worked by hand from Keras 3's sources: decoupled weight decay
// (keras/src/optimizers/base_optimizer.py), AdamW, clipping inside the optimiser, learning-rate
// schedules evaluated per optimiser step, and the learning-rate callbacks.
#include <gtest/gtest.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras {
namespace {

using test::error_of;

// w starts at `start`; each step's loss is g * sum(w), so every gradient value is g.
std::vector<float> weights_after_steps(optimizers::Optimizer& opt, std::vector<float> start,
                                       const std::vector<float>& grads) {
  Tensor w = Tensor::from_data(Shape{static_cast<std::int64_t>(start.size())}, start).set_requires_grad(true);
  for (float g : grads) {
    w.zero_grad();
    sum(mul_scalar(w, g)).backward();
    opt.apply_gradients({w});
  }
  return {w.data().begin(), w.data().end()};
}

TEST(WeightDecay, KerasDecaysBeforeTheUpdateAndOutsideTheMoments) {
  // AdamW(lr 0.1, weight_decay 0.5, epsilon 0), w = 2, g = 3: w -= w * 0.5 * 0.1 -> 1.9, then Adam's
  // first step is lr * sign(g) -> 1.8. Decay after the update would give 1.9 - 0.095 = 1.805;
  // PyTorch's coupled decay (g + wd w = 4 into the moments) would give 1.9.
  optimizers::AdamW adamw({.learning_rate = 0.1f, .epsilon = 0.0f, .weight_decay = 0.5f});
  EXPECT_NEAR(weights_after_steps(adamw, {2.0f}, {3.0f})[0], 1.8f, 1e-6f);
  // Every optimiser takes it: Adam with the same weight_decay is the same step.
  optimizers::Adam adam({.learning_rate = 0.1f, .epsilon = 0.0f, .weight_decay = 0.5f});
  EXPECT_NEAR(weights_after_steps(adam, {2.0f}, {3.0f})[0], 1.8f, 1e-6f);
  // SGD with momentum 0.9, lr 0.1, wd 0.5, g = 1: step 1: w = 2 - 0.1 = 1.9, v = -0.1 -> 1.8;
  // step 2: w = 1.8 - 0.09 = 1.71, v = -0.09 - 0.1 = -0.19 -> 1.52.
  optimizers::SGD sgd({.learning_rate = 0.1f, .momentum = 0.9f, .weight_decay = 0.5f});
  EXPECT_NEAR(weights_after_steps(sgd, {2.0f}, {1.0f, 1.0f})[0], 1.52f, 1e-6f);
}

TEST(WeightDecay, AdamWDefaultsToKeras) {
  EXPECT_FLOAT_EQ(optimizers::AdamWOptions{}.weight_decay, 0.004f);
  EXPECT_FLOAT_EQ(optimizers::AdamWOptions{}.epsilon, 1e-7f);
  EXPECT_FLOAT_EQ(optimizers::SGDOptions{}.weight_decay, 0.0f);
  EXPECT_EQ(optimizers::get("adamw")->name(), "AdamW");
}

TEST(Clipping, ClipnormLimitsEachVariableGlobalClipnormAllTogether) {
  // Two variables with gradients [3, 4] (norm 5) and [12] (norm 12), SGD lr 1 from 0.
  const auto run = [](optimizers::SGDOptions o) {
    optimizers::SGD sgd(o);
    Tensor a = Tensor::from_data(Shape{2}, {0.0f, 0.0f}).set_requires_grad(true);
    Tensor b = Tensor::from_data(Shape{1}, {0.0f}).set_requires_grad(true);
    add(sum(mul(a, Tensor::from_data(Shape{2}, {3.0f, 4.0f}))), sum(mul_scalar(b, 12.0f))).backward();
    sgd.apply_gradients({a, b});
    return std::vector<float>{a.data()[0], a.data()[1], b.data()[0]};
  };
  const auto per_variable = run({.learning_rate = 1.0f, .clipnorm = 1.0f});
  EXPECT_NEAR(per_variable[0], -0.6f, 1e-6f);
  EXPECT_NEAR(per_variable[1], -0.8f, 1e-6f);
  EXPECT_NEAR(per_variable[2], -1.0f, 1e-6f);
  const auto global = run({.learning_rate = 1.0f, .global_clipnorm = 1.0f});  // all times 1/13
  EXPECT_NEAR(global[0], -3.0f / 13, 1e-6f);
  EXPECT_NEAR(global[2], -12.0f / 13, 1e-6f);
  const auto by_value = run({.learning_rate = 1.0f, .clipvalue = 3.5f});
  EXPECT_NEAR(by_value[0], -3.0f, 1e-6f);
  EXPECT_NEAR(by_value[1], -3.5f, 1e-6f);
  EXPECT_NEAR(by_value[2], -3.5f, 1e-6f);
}

TEST(Clipping, OnlyOneClippingOptionAndNoneNegative) {
  EXPECT_EQ(error_of([] { optimizers::SGD s({.clipnorm = 1.0f, .clipvalue = 1.0f}); }),
            "SGD: Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm=1, "
            "clipvalue=1, global_clipnorm=0");
  EXPECT_EQ(error_of([] { optimizers::Adam a({.clipnorm = -1.0f}); }),
            "Adam: `clipnorm` must not be negative. Received: clipnorm=-1");
}

TEST(Schedules, KerasFormulas) {
  using namespace optimizers::schedules;
  const ExponentialDecay smooth(0.2f, 3, 0.95f), stairs(0.2f, 3, 0.95f, true);
  EXPECT_FLOAT_EQ(smooth(0), 0.2f);
  EXPECT_NEAR(smooth(1), 0.2f * std::pow(0.95f, 1.0f / 3), 1e-7f);
  EXPECT_FLOAT_EQ(stairs(2), 0.2f);
  EXPECT_NEAR(stairs(3), 0.19f, 1e-7f);
  EXPECT_NEAR(stairs(5), 0.19f, 1e-7f);
  // values[0] up to and including boundaries[0], then the next value.
  const PiecewiseConstantDecay piecewise({2, 4}, {1.0f, 0.5f, 0.1f});
  EXPECT_EQ((std::vector<float>{piecewise(0), piecewise(2), piecewise(3), piecewise(4), piecewise(5)}),
            (std::vector<float>{1.0f, 1.0f, 0.5f, 0.5f, 0.1f}));
  // Half-way through 4 steps: 0.5 (1 + cos(pi/2)) = 0.5 -> 0.8 * 0.5 + 0.2; held at alpha after.
  const CosineDecay cosine(1.0f, 4, 0.2f);
  EXPECT_NEAR(cosine(2), 0.6f, 1e-6f);
  EXPECT_NEAR(cosine(10), 0.2f, 1e-6f);
  // 1 / (1 + 0.5 * 3/2), or 1 / (1 + 0.5 * floor(3/2)).
  EXPECT_NEAR(InverseTimeDecay(1.0f, 2, 0.5f)(3), 1.0f / 1.75f, 1e-6f);
  EXPECT_NEAR(InverseTimeDecay(1.0f, 2, 0.5f, true)(3), 1.0f / 1.5f, 1e-6f);
}

TEST(Schedules, BadArgumentsAreKerasErrors) {
  using namespace optimizers::schedules;
  EXPECT_EQ(error_of([] { ExponentialDecay(0.1f, 0, 0.9f); }),
            "ExponentialDecay: Argument `decay_steps` must be > 0. Received: decay_steps=0");
  EXPECT_NE(error_of([] { PiecewiseConstantDecay({1, 2}, {1.0f}); }).find("should be 1 less than the length of values"),
            std::string::npos);
  EXPECT_NE(error_of([] { PiecewiseConstantDecay({3, 2}, {1.0f, 2.0f, 3.0f}); }).find("increase strictly"),
            std::string::npos);
}

TEST(Schedules, EvaluatedAtEveryStepFromZero) {
  // SGD on g = 1 from 0 with ExponentialDecay(0.2, 3, 0.95): the first update uses the rate at
  // step 0 (0.2), the second the rate at step 1 (0.2 * 0.95^(1/3)): w = -0.3966095.
  optimizers::SGD sgd(optimizers::schedules::ExponentialDecay(0.2f, 3, 0.95f));
  EXPECT_NEAR(weights_after_steps(sgd, {0.0f}, {1.0f, 1.0f})[0], -0.3966095f, 1e-6f);
  EXPECT_EQ(sgd.iterations(), 2);
  EXPECT_NEAR(sgd.learning_rate(), 0.2f * std::pow(0.95f, 2.0f / 3), 1e-7f);
  // Keras refuses to overwrite a schedule.
  EXPECT_NE(error_of([&] { sgd.set_learning_rate(0.1f); }).find("learning rate is not settable"), std::string::npos);
}

TEST(Schedules, WeightDecayUsesTheScheduledRate) {
  // PiecewiseConstantDecay([0], [1, 0.1]): step 0 at lr 1, step 1 at lr 0.1. SGD, wd 0.5, g = 0:
  // w = 2 * (1 - 0.5) * (1 - 0.05) = 0.95.
  optimizers::SGD sgd(optimizers::schedules::PiecewiseConstantDecay({0}, {1.0f, 0.1f}), {.weight_decay = 0.5f});
  EXPECT_NEAR(weights_after_steps(sgd, {2.0f}, {0.0f, 0.0f})[0], 0.95f, 1e-6f);
}

// A compiled one-weight model for the callbacks to act on.
Sequential compiled(float lr) {
  Sequential model({layers::Dense(1)});
  model.build(1);
  model.compile(optimizers::SGD(lr), "mse");
  return model;
}

TEST(LearningRateCallbacks, SchedulerSetsTheRateAtEachEpochStart) {
  Sequential model = compiled(0.8f);
  std::vector<float> seen;
  auto record = std::make_shared<callbacks::LambdaCallback>();
  record->on_epoch_begin_fn = [&](int, const Logs&) { seen.push_back(model.optimizer().learning_rate()); };
  // Halves the rate from epoch 1 on; the callback runs before the recorder in each epoch.
  callbacks::LearningRateScheduler halve([](int epoch, float lr) { return epoch == 0 ? lr : lr * 0.5f; });
  const Tensor x = Tensor::from_rows({{1.0f}}), y = Tensor::from_rows({{1.0f}});
  model.fit(x, y, {.epochs = 3, .verbose = 0, .callbacks = {halve, record}});
  EXPECT_EQ(seen, (std::vector<float>{0.8f, 0.4f, 0.2f}));
}

TEST(LearningRateCallbacks, ReduceOnPlateauWaitsPatienceEpochsWithAnAbsoluteDelta) {
  // patience 2, min_delta 0.1 (absolute): 1.0 is the best; 0.95 twice does not beat 1.0 - 0.1, so
  // the second one (wait = 2 >= patience) halves the rate. PyTorch reduces one epoch later.
  Sequential model = compiled(0.8f);
  callbacks::ReduceLROnPlateau reduce({.monitor = "loss", .factor = 0.5f, .patience = 2, .min_delta = 0.1f});
  reduce.set_model(&model);
  reduce.on_train_begin({});
  std::vector<float> lrs;
  for (double loss : {1.0, 0.95, 0.95, 0.95, 0.95}) {
    reduce.on_epoch_end(0, {{"loss", loss}});
    lrs.push_back(model.optimizer().learning_rate());
  }
  EXPECT_EQ(lrs, (std::vector<float>{0.8f, 0.8f, 0.4f, 0.4f, 0.2f}));
  EXPECT_NE(error_of([] { callbacks::ReduceLROnPlateau r({.factor = 1.0f}); }).find("factor >= 1.0"), std::string::npos);
}

TEST(LabelSmoothing, BinaryTowardsOneHalfCategoricalTowardsOneOverC) {
  // Binary: y = 1 -> 0.9 with ls 0.2; p = 0.8: -(0.9 ln 0.8 + 0.1 ln 0.2) = 0.3617730.
  const auto bce = losses::BinaryCrossentropy(false, 0.2f);
  EXPECT_NEAR(bce.fn(Tensor::from_rows({{1.0f}}), Tensor::from_rows({{0.8f}})).item(), 0.3617730f, 1e-6f);
  // Categorical over 3 classes, ls 0.3: [1, 0, 0] -> [0.8, 0.1, 0.1];
  // p = [0.7, 0.2, 0.1]: 0.8 * 0.3566749 + 0.1 * 1.6094379 + 0.1 * 2.3025851 = 0.6765422.
  const auto cce = losses::CategoricalCrossentropy(false, 0.3f);
  EXPECT_NEAR(cce.fn(Tensor::from_rows({{1.0f, 0.0f, 0.0f}}), Tensor::from_rows({{0.7f, 0.2f, 0.1f}})).item(),
              0.6765422f, 1e-6f);
  EXPECT_NE(error_of([] { losses::CategoricalCrossentropy(false, -0.1f); }).find("label_smoothing must be in [0, 1]"),
            std::string::npos);
}

TEST(MoreLosses, KerasFormulasWorkedByHand) {
  const auto value = [](const losses::Loss& l, std::vector<std::vector<float>> y, std::vector<std::vector<float>> p) {
    return l.fn(Tensor::from_rows(y), Tensor::from_rows(p)).item();
  };
  // KL: a per-sample SUM over the last axis: 0.5 ln(0.5 / 0.25) + 0.5 ln(0.5 / 0.75) = 0.1438410.
  EXPECT_NEAR(value(losses::KLDivergence(), {{0.5f, 0.5f}}, {{0.25f, 0.75f}}), 0.1438410f, 1e-6f);
  // Poisson: p - y ln(p + 1e-7) = 2 - 1 * ln 2 = 1.3068528.
  EXPECT_NEAR(value(losses::Poisson(), {{1.0f}}, {{2.0f}}), 1.3068528f, 1e-6f);
  // log cosh(1) = 0.4337808; for a large difference, log cosh(50) = 50 - ln 2 without overflow.
  EXPECT_NEAR(value(losses::LogCosh(), {{0.0f}}, {{1.0f}}), 0.4337808f, 1e-6f);
  EXPECT_NEAR(value(losses::LogCosh(), {{0.0f}}, {{50.0f}}), 49.3068528f, 1e-4f);
  // Hinge: labels 0/1 become -1/1: max(1 - (-1)(0.5), 0) = 1.5 and max(1 - 1 * 2, 0) = 0; mean 0.75.
  EXPECT_NEAR(value(losses::Hinge(), {{0.0f}, {1.0f}}, {{0.5f}, {2.0f}}), 0.75f, 1e-6f);
  EXPECT_EQ(losses::get("kld").name, "kl_divergence");
  EXPECT_EQ(losses::get("LogCosh").name, "log_cosh");
}

TEST(ClassWeights, KerasDividesByTheBatchSizeNotTheWeights) {
  // Dense(1) frozen at 0 (SGD lr 0), x = [[1], [2]], y = [[1], [2]]: squared errors 1 and 4;
  // class_weight {1: 3, 2: 0.5}: (3 * 1 + 0.5 * 4) / 2 = 2.5 (a weight-sum mean would be 1.4286).
  Sequential model({layers::Dense(1)});
  model.build(1);
  model.set_weights({Tensor::from_rows({{0.0f}}), Tensor::from_data(Shape{1}, {0.0f})});
  model.compile(optimizers::SGD(0.0f), "mse");
  const Tensor x = Tensor::from_rows({{1.0f}, {2.0f}}), y = Tensor::from_rows({{1.0f}, {2.0f}});
  const auto h = model.fit(x, y, {.epochs = 1, .shuffle = false, .verbose = 0, .class_weight = {{1, 3.0f}, {2, 0.5f}}});
  EXPECT_NEAR(h["loss"][0], 2.5, 1e-6);
  const auto s = model.fit(x, y, {.epochs = 1, .shuffle = false, .verbose = 0,
                                  .sample_weight = Tensor::from_data(Shape{2}, {3.0f, 0.5f})});
  EXPECT_NEAR(s["loss"][0], 2.5, 1e-6);
  EXPECT_EQ(error_of([&] {
              model.fit(x, y, {.verbose = 0, .class_weight = {{1, 2.0f}}, .sample_weight = Tensor::from_data(Shape{2}, {1.0f, 1.0f})});
            }),
            "fit: You cannot `class_weight` and `sample_weight` at the same time.");
}

}  // namespace
}  // namespace duet::keras
