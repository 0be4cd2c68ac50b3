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

TEST(Sgd, PlainStep) {
  Array p = values({1.0f, -2.0f});
  SgdState s;
  sgd_update(p, values({0.5f, -1.0f}), {.learning_rate = 0.1f}, s);
  EXPECT_FLOAT_EQ(p[0], 0.95f);
  EXPECT_FLOAT_EQ(p[1], -1.9f);
}

TEST(Sgd, WeightDecayAddsToTheGradient) {
  Array p = values({2.0f});
  SgdState s;
  sgd_update(p, values({1.0f}), {.learning_rate = 0.1f, .weight_decay = 0.5f}, s);
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
  const SgdRule rule{.learning_rate = 1.0f, .momentum = 0.5f, .dampening = 0.5f};
  sgd_update(p, values({1.0f}), rule, s);  // b = 1
  sgd_update(p, values({1.0f}), rule, s);  // b = 0.5 + 0.5 = 1
  EXPECT_FLOAT_EQ(p[0], -2.0f);
}

}  // namespace
}  // namespace duet::optim
