// One hand-checkable step (or three) per update rule.
#include <gtest/gtest.h>

#include <tuple>

#include "duet/core/optim.h"

namespace duet::optim {
namespace {

Array values(std::initializer_list<float> v) {
  Array a(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (float x : v) a[i++] = x;
  return a;
}

// The core holds no framework defaults; these spell out PyTorch's for the hand-checked steps.
constexpr SgdRule kTorchSgd{.learning_rate = 0.1f, .form = MomentumForm::gradient_buffer};
constexpr AdamRule kTorchAdam{.learning_rate = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .epsilon = 1e-8f,
                              .epsilon_placement = AdamEpsilon::after_bias_correction};
constexpr RmspropRule kTorchRmsprop{.learning_rate = 1e-2f, .rho = 0.99f, .epsilon = 1e-8f,
                                    .epsilon_placement = RootEpsilon::outside_sqrt,
                                    .momentum_learning_rate = MomentumLearningRate::after_buffer};
constexpr AdagradRule kTorchAdagrad{.learning_rate = 1e-2f, .epsilon = 1e-10f, .initial_accumulator_value = 0.0f,
                                    .epsilon_placement = RootEpsilon::outside_sqrt};

// Expected values below were worked out by hand from each framework's update rule (the
// arithmetic is in the comments) and evaluated in double; float32 agrees to ~1e-6 relative.
constexpr float kStepTol = 2e-6f;

// A copy of `base` with changes applied.
template <typename Rule, typename F>
Rule with(Rule base, F&& change) {
  change(base);
  return base;
}

TEST(Sgd, PlainStep) {
  Array p = values({1.0f, -2.0f});
  SgdState s;
  sgd_update(p, values({0.5f, -1.0f}), kTorchSgd, s);
  EXPECT_FLOAT_EQ(p[0], 0.95f);
  EXPECT_FLOAT_EQ(p[1], -1.9f);
}

TEST(Sgd, WeightDecayAddsToTheGradient) {
  Array p = values({2.0f});
  SgdState s;
  sgd_update(p, values({1.0f}), with(kTorchSgd, [](auto& r) { r.weight_decay = 0.5f; }), s);
  EXPECT_FLOAT_EQ(p[0], 2.0f - 0.1f * (1.0f + 1.0f));
}

// With a constant gradient g = 1, lr 0.1, m 0.9:
//   PyTorch buffer: b1 = 1, b2 = 1.9, b3 = 2.71;   Keras velocity: v = -0.1, -0.19, -0.271.
TEST(Sgd, MomentumFormsGiveTheSameTrajectory) {
  for (auto form : {MomentumForm::gradient_buffer, MomentumForm::velocity}) {
    Array p = values({0.0f});
    SgdState s;
    const SgdRule rule{.learning_rate = 0.1f, .momentum = 0.9f, .form = form};
    sgd_update(p, values({1.0f}), rule, s);
    EXPECT_FLOAT_EQ(p[0], -0.1f);
    sgd_update(p, values({1.0f}), rule, s);
    EXPECT_FLOAT_EQ(p[0], -0.29f);
    sgd_update(p, values({1.0f}), rule, s);
    EXPECT_NEAR(p[0], -0.561f, 1e-6f);
  }
}

// The forms part when the learning rate changes (a schedule): g = 1, m 0.9, lr 0.1 then 0.01.
// Keras: v = -0.1, then 0.9 v - 0.01 = -0.1 -> p = -0.2 (nesterov: p += m v - lr g: -0.19, -0.29).
// PyTorch: b = 1, then 1.9 -> p = -0.1 - 0.019 = -0.119 (nesterov: -0.1 * 1.9, -0.01 * (1 + 1.71): -0.2171).
TEST(Sgd, MomentumFormsPartWhenTheLearningRateChanges) {
  for (auto [form, nesterov, expected] : {std::tuple{MomentumForm::velocity, false, -0.2f},
                                          std::tuple{MomentumForm::gradient_buffer, false, -0.119f},
                                          std::tuple{MomentumForm::velocity, true, -0.29f},
                                          std::tuple{MomentumForm::gradient_buffer, true, -0.2171f}}) {
    Array p = values({0.0f});
    SgdState s;
    for (float lr : {0.1f, 0.01f}) {
      sgd_update(p, values({1.0f}), {.learning_rate = lr, .momentum = 0.9f, .nesterov = nesterov, .form = form}, s);
    }
    EXPECT_NEAR(p[0], expected, kStepTol) << (form == MomentumForm::velocity ? "keras" : "torch")
                                          << (nesterov ? " nesterov" : "");
  }
}

TEST(Sgd, NesterovLooksAhead) {
  // PyTorch: b1 = 1, d = g + m b1 = 1.9 -> p = -0.19; Keras: v = -0.1, p += m v - lr g = -0.19.
  for (auto form : {MomentumForm::gradient_buffer, MomentumForm::velocity}) {
    Array p = values({0.0f});
    SgdState s;
    sgd_update(p, values({1.0f}), {.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true, .form = form}, s);
    EXPECT_FLOAT_EQ(p[0], -0.19f);
  }
}

TEST(Sgd, DampeningSkipsTheFirstStep) {
  Array p = values({0.0f});
  SgdState s;
  const SgdRule rule{.learning_rate = 1.0f, .momentum = 0.5f, .dampening = 0.5f, .form = MomentumForm::gradient_buffer};
  sgd_update(p, values({1.0f}), rule, s);  // b = 1
  sgd_update(p, values({1.0f}), rule, s);  // b = 0.5 + 0.5 = 1
  EXPECT_FLOAT_EQ(p[0], -2.0f);
}

TEST(Adam, EpsilonPlacementMatters) {
  // g = 0.5, lr = 0.1, eps = 0.1, first step: m = 0.05, v = 0.00025, 1 - b1 = 0.1, 1 - b2^1 = 0.001.
  // PyTorch: 0.1 / 0.1 * 0.05 / (sqrt(0.00025) / sqrt(0.001) + 0.1) = 0.05 / 0.6 = 0.0833333
  // Keras:   0.1 * sqrt(0.001) / 0.1 * 0.05 / (sqrt(0.00025) + 0.1) = 0.0136527
  for (auto [placement, expected] : {std::pair{AdamEpsilon::after_bias_correction, 0.0833333333f},
                                     std::pair{AdamEpsilon::before_bias_correction, 0.0136527059f}}) {
    Array p = values({0.0f});
    AdamState s;
    adam_update(p, values({0.5f}), with(kTorchAdam, [&, where = placement](auto& r) {  // clang 14 cannot capture a structured binding
                  r.learning_rate = 0.1f, r.epsilon = 0.1f, r.epsilon_placement = where;
                }),
                s);
    EXPECT_NEAR(p[0], -expected, kStepTol);
  }
}

TEST(Adam, TwoStepsWithBiasCorrection) {
  // m1 = 0.05, v1 = 0.00025; m2 = 0.045 - 0.025 = 0.02, v2 = 0.00024975 + 0.0000625 = 0.00031225.
  // p = -0.1 * 1 - 0.1 / 0.19 * 0.02 / (sqrt(0.00031225) / sqrt(0.001999)) = -0.1266337
  Array p = values({0.0f});
  AdamState s;
  const AdamRule rule = with(kTorchAdam, [](auto& r) { r.learning_rate = 0.1f; });
  adam_update(p, values({0.5f}), rule, s);
  adam_update(p, values({-0.25f}), rule, s);
  EXPECT_NEAR(p[0], -0.1266337013f, kStepTol);
  EXPECT_EQ(s.step, 2);
}

TEST(Adam, AmsgradKeepsTheLargestSecondMoment) {
  // After a large gradient then a small one, amsgrad divides by the first step's v.
  Array a = values({0.0f}), b = values({0.0f});
  AdamState sa, sb;
  for (float g : {10.0f, 0.1f}) {
    adam_update(a, values({g}), with(kTorchAdam, [](auto& r) { r.learning_rate = 0.1f, r.amsgrad = true; }), sa);
    adam_update(b, values({g}), with(kTorchAdam, [](auto& r) { r.learning_rate = 0.1f; }), sb);
  }
  EXPECT_GT(sa.v_max[0], sa.v[0]);
  EXPECT_GT(a[0], b[0]);  // smaller second step with amsgrad
}

TEST(Adam, DecoupledWeightDecayShrinksFirst) {
  // AdamW: p = 1 * (1 - 0.1 * 0.1) = 0.99, then the first Adam step ~ lr * sign(g) = 0.1.
  Array p = values({1.0f});
  AdamState s;
  adam_update(p, values({0.5f}), with(kTorchAdam, [](auto& r) {
                r.learning_rate = 0.1f, r.weight_decay = 0.1f, r.decoupled_weight_decay = true;
              }),
              s);
  EXPECT_NEAR(p[0], 0.89f, kStepTol);
}

TEST(Rmsprop, PyTorchForms) {
  // v = 0.01 * 4 = 0.04, plain step 0.01 * 2 / 0.2 = 0.1
  Array p = values({0.0f});
  RmspropState s;
  rmsprop_update(p, values({2.0f}), kTorchRmsprop, s);
  EXPECT_NEAR(p[0], -0.1f, kStepTol);
  // centred: gbar = 0.02, v - gbar^2 = 0.0396, step 0.02 / sqrt(0.0396) = 0.1005038
  Array c = values({0.0f});
  RmspropState sc;
  rmsprop_update(c, values({2.0f}), with(kTorchRmsprop, [](auto& r) { r.centered = true; }), sc);
  EXPECT_NEAR(c[0], -0.1005037815f, kStepTol);
  // momentum 0.9, g = 2 twice: b1 = 10, b2 = 9 + 2 / sqrt(0.0796) -> p = -0.01 (b1 + b2) = -0.2608881
  Array m = values({0.0f});
  RmspropState sm;
  const RmspropRule rule = with(kTorchRmsprop, [](auto& r) { r.momentum = 0.9f; });
  rmsprop_update(m, values({2.0f}), rule, sm);
  rmsprop_update(m, values({2.0f}), rule, sm);
  EXPECT_NEAR(m[0], -0.2608881085f, 4 * kStepTol);
}

TEST(Rmsprop, KerasPutsEpsilonInsideTheRoot) {
  // A large epsilon so the placements part visibly: rho 0.9, g = 2, lr 0.1, eps 0.5, v = 0.4.
  // Keras: 0.1 * 2 / sqrt(0.4 + 0.5) = 0.2108185;  PyTorch: 0.1 * 2 / (sqrt(0.4) + 0.5) = 0.1766074.
  for (auto [placement, expected] : {std::pair{RootEpsilon::inside_sqrt, 0.2108185107f},
                                     std::pair{RootEpsilon::outside_sqrt, 0.1766073760f}}) {
    Array p = values({0.0f});
    RmspropState s;
    rmsprop_update(p, values({2.0f}),
                   {.learning_rate = 0.1f, .rho = 0.9f, .epsilon = 0.5f, .epsilon_placement = placement,
                    .momentum_learning_rate = MomentumLearningRate::after_buffer},
                   s);
    EXPECT_NEAR(p[0], -expected, kStepTol) << (placement == RootEpsilon::inside_sqrt ? "keras" : "torch");
  }
}

TEST(Rmsprop, KerasCentredSubtractsTheMeanSquareInsideTheRoot) {
  // g = 2, rho 0.9, eps 0.5, lr 0.1: v = 0.4, gbar = 0.2, v - gbar^2 = 0.36;
  // keras/src/optimizers/rmsprop.py: 0.1 * 2 / sqrt(0.36 + 0.5) = 0.2156655.
  Array p = values({0.0f});
  RmspropState s;
  rmsprop_update(p, values({2.0f}),
                 {.learning_rate = 0.1f, .rho = 0.9f, .epsilon = 0.5f, .centered = true,
                  .epsilon_placement = RootEpsilon::inside_sqrt,
                  .momentum_learning_rate = MomentumLearningRate::inside_buffer},
                 s);
  EXPECT_NEAR(p[0], -0.2156655464f, kStepTol);
}

TEST(Rmsprop, MomentumFormsPartWhenTheLearningRateChanges) {
  // eps 0 so only the momentum form differs; g = 2 twice, rho 0.9, momentum 0.9, lr 0.1 then 0.01.
  // v1 = 0.4, v2 = 0.76. Keras keeps lr in the buffer: b1 = 0.1 * 2 / sqrt(0.4), b2 = 0.9 b1 + 0.01 * 2 /
  // sqrt(0.76), p = -(b1 + b2) = -0.6237743. PyTorch applies lr after: b1 = 2 / sqrt(0.4),
  // b2 = 0.9 b1 + 2 / sqrt(0.76), p = -(0.1 b1 + 0.01 b2) = -0.3676298.
  for (auto [placement, expected] : {std::pair{MomentumLearningRate::inside_buffer, 0.6237743288f},
                                     std::pair{MomentumLearningRate::after_buffer, 0.3676298383f}}) {
    Array p = values({0.0f});
    RmspropState s;
    for (float lr : {0.1f, 0.01f}) {
      rmsprop_update(p, values({2.0f}),
                     {.learning_rate = lr, .rho = 0.9f, .epsilon = 0.0f, .momentum = 0.9f,
                      .epsilon_placement = RootEpsilon::outside_sqrt, .momentum_learning_rate = placement},
                     s);
    }
    EXPECT_NEAR(p[0], -expected, 4 * kStepTol) << (placement == MomentumLearningRate::inside_buffer ? "keras" : "torch");
  }
}

TEST(Adagrad, BothForms) {
  // PyTorch: sum = 0 + 4, step 0.01 * 2 / (2 + 1e-10) = 0.01
  Array p = values({0.0f});
  AdagradState s;
  adagrad_update(p, values({2.0f}), kTorchAdagrad, s);
  EXPECT_NEAR(p[0], -0.01f, kStepTol);
  // Keras: sum = 0.1 + 4, step 0.001 * 2 / sqrt(4.1 + 1e-7) = 0.00098773
  Array k = values({0.0f});
  AdagradState sk;
  adagrad_update(k, values({2.0f}),
                 {.learning_rate = 0.001f, .epsilon = 1e-7f, .initial_accumulator_value = 0.1f,
                  .epsilon_placement = RootEpsilon::inside_sqrt},
                 sk);
  EXPECT_NEAR(k[0], -0.0009877296f, 1e-9f);
}

TEST(Adagrad, EpsilonPlacementWithALargeEpsilon) {
  // g = 2, lr 0.1, eps 1, sum = 4. PyTorch: 0.2 / (2 + 1) = 0.0666667; Keras: 0.2 / sqrt(5) = 0.0894427.
  for (auto [placement, expected] : {std::pair{RootEpsilon::outside_sqrt, 0.0666666667f},
                                     std::pair{RootEpsilon::inside_sqrt, 0.0894427191f}}) {
    Array p = values({0.0f});
    AdagradState s;
    adagrad_update(p, values({2.0f}), with(kTorchAdagrad, [&, where = placement](auto& r) {  // clang 14 cannot capture a structured binding
                     r.learning_rate = 0.1f, r.epsilon = 1.0f, r.epsilon_placement = where;
                   }),
                   s);
    EXPECT_NEAR(p[0], -expected, kStepTol) << (placement == RootEpsilon::inside_sqrt ? "keras" : "torch");
  }
}

TEST(Adagrad, LrDecayCountsFromTheFirstStep) {
  // torch/optim/adagrad.py: clr = lr / (1 + (t - 1) lr_decay), so step 1 is undecayed.
  // g = 1 each step, lr 0.1, lr_decay 0.5, sum = t: steps 0.1 / 1 / 1, 0.1 / 1.5 / sqrt(2), 0.1 / 2 / sqrt(3).
  Array p = values({0.0f});
  AdagradState s;
  const AdagradRule rule = with(kTorchAdagrad, [](auto& r) { r.learning_rate = 0.1f, r.lr_decay = 0.5f; });
  for (float expected : {0.1f, 0.1471404521f, 0.1760079655f}) {
    adagrad_update(p, values({1.0f}), rule, s);
    EXPECT_NEAR(p[0], -expected, kStepTol) << "after step " << s.step;
  }
}

}  // namespace
}  // namespace duet::optim
