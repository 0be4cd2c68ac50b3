// One hand-checkable step (or three) per update rule.
#include <gtest/gtest.h>

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
                                    .epsilon_placement = RootEpsilon::outside_sqrt};
constexpr AdagradRule kTorchAdagrad{.learning_rate = 1e-2f, .epsilon = 1e-10f, .initial_accumulator_value = 0.0f,
                                    .epsilon_placement = RootEpsilon::outside_sqrt};

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

// Expected values below were worked out by hand from each framework's update rule (the
// arithmetic is in the comments) and evaluated in double; float32 agrees to ~1e-6 relative.
constexpr float kStepTol = 2e-6f;

TEST(Adam, EpsilonPlacementMatters) {
  // g = 0.5, lr = 0.1, eps = 0.1, first step: m = 0.05, v = 0.00025, 1 - b1 = 0.1, 1 - b2^1 = 0.001.
  // PyTorch: 0.1 / 0.1 * 0.05 / (sqrt(0.00025) / sqrt(0.001) + 0.1) = 0.05 / 0.6 = 0.0833333
  // Keras:   0.1 * sqrt(0.001) / 0.1 * 0.05 / (sqrt(0.00025) + 0.1) = 0.0136527
  for (auto [placement, expected] : {std::pair{AdamEpsilon::after_bias_correction, 0.0833333333f},
                                     std::pair{AdamEpsilon::before_bias_correction, 0.0136527059f}}) {
    Array p = values({0.0f});
    AdamState s;
    adam_update(p, values({0.5f}), with(kTorchAdam, [&](auto& r) {
                  r.learning_rate = 0.1f, r.epsilon = 0.1f, r.epsilon_placement = placement;
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
  // rho 0.9, eps 1e-7, lr 0.001: v = 0.4, step 0.001 * 2 / sqrt(0.4 + 1e-7) = 0.0031623
  Array p = values({0.0f});
  RmspropState s;
  rmsprop_update(p, values({2.0f}),
                 {.learning_rate = 0.001f, .rho = 0.9f, .epsilon = 1e-7f, .epsilon_placement = RootEpsilon::inside_sqrt},
                 s);
  EXPECT_NEAR(p[0], -0.0031622773f, 1e-8f);
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

}  // namespace
}  // namespace duet::optim
