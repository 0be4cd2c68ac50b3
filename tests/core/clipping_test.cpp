// Gradient clipping and decoupled weight decay in both frameworks' forms, worked by hand.
#include <gtest/gtest.h>

#include "duet/core/clipping.h"
#include "duet/core/error.h"

namespace duet::optim {
namespace {

using Array = Tensor::Array;

Array values(std::initializer_list<float> v) {
  Array a(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (float x : v) a[i++] = x;
  return a;
}

TEST(Clipping, ByValueClampsEachValue) {
  Array g = values({-5.0f, 0.5f, 4.0f});
  clip_by_value(g, 1.0f);
  EXPECT_FLOAT_EQ(g[0], -1.0f);
  EXPECT_FLOAT_EQ(g[1], 0.5f);
  EXPECT_FLOAT_EQ(g[2], 1.0f);
}

TEST(Clipping, ByNormLimitsEachTensorOnItsOwn) {
  // |[3, 4]| = 5 -> [0.6, 0.8] for a limit of 1; a tensor under the limit is left as it is.
  Array g = values({3.0f, 4.0f});
  clip_by_norm(g, 1.0f);
  EXPECT_FLOAT_EQ(g[0], 0.6f);
  EXPECT_FLOAT_EQ(g[1], 0.8f);
  Array small = values({0.3f});
  clip_by_norm(small, 1.0f);
  EXPECT_FLOAT_EQ(small[0], 0.3f);
}

TEST(Clipping, GlobalNormScalesAllTensorsByOneFactor) {
  // |[3, 4, 12]| = 13: every value times 1/13, whichever tensor it is in.
  for (auto form : {GlobalNormForm::keras_exact, GlobalNormForm::torch_epsilon}) {
    Array a = values({3.0f, 4.0f}), b = values({12.0f});
    EXPECT_NEAR(clip_by_global_norm({&a, &b}, 1.0f, form), 13.0, 1e-6);
    EXPECT_NEAR(a[0], 3.0f / 13.0f, 1e-6f);
    EXPECT_NEAR(a[1], 4.0f / 13.0f, 1e-6f);
    EXPECT_NEAR(b[0], 12.0f / 13.0f, 1e-6f);
  }
}

TEST(Clipping, PyTorchsGlobalNormScalesEvenAtTheLimit) {
  // torch/nn/utils/clip_grad.py divides by norm + 1e-6: at |g| = 5 = max_norm the gradient still
  // shrinks by 5 / 5.000001; Keras' min(1/norm, 1/max_norm) leaves it exactly.
  Array keras = values({3.0f, 4.0f}), torch = values({3.0f, 4.0f});
  clip_by_global_norm({&keras}, 5.0f, GlobalNormForm::keras_exact);
  clip_by_global_norm({&torch}, 5.0f, GlobalNormForm::torch_epsilon);
  EXPECT_FLOAT_EQ(keras[1], 4.0f);
  EXPECT_FLOAT_EQ(torch[1], 4.0f * (5.0f / 5.000001f));
  EXPECT_LT(torch[1], 4.0f);
}

TEST(Clipping, NegativeLimitsAreErrors) {
  Array g = values({1.0f});
  EXPECT_THROW(clip_by_value(g, -1.0f), Error);
  EXPECT_THROW(clip_by_norm(g, -1.0f), Error);
  EXPECT_THROW(clip_by_global_norm({&g}, -1.0f, GlobalNormForm::torch_epsilon), Error);
}

TEST(WeightDecay, BothFormsShrinkByLearningRateTimesDecay) {
  // p = 2, lr 0.1, wd 0.5: 2 * (1 - 0.05) = 2 - 2 * 0.5 * 0.1 = 1.9.
  for (auto form : {DecoupledDecayForm::scale, DecoupledDecayForm::subtract}) {
    Array p = values({2.0f});
    decoupled_weight_decay(p, 0.1f, 0.5f, form);
    EXPECT_FLOAT_EQ(p[0], 1.9f);
  }
}

}  // namespace
}  // namespace duet::optim
