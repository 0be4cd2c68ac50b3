// Autograd semantics, each rule with its own test (PyTorch's behaviour is the reference).
#include <gtest/gtest.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {
namespace {

Tensor leaf(float v) { return Tensor::scalar(v).set_requires_grad(true); }

TEST(Autograd, LeafGradientsAccumulateUntilZeroed) {
  Tensor w = leaf(3.0f);
  square(w).backward();  // d(w^2)/dw = 6
  square(w).backward();
  EXPECT_FLOAT_EQ(w.grad().item(), 12.0f);
  w.zero_grad();
  EXPECT_FLOAT_EQ(w.grad().item(), 0.0f);
  square(w).backward();
  EXPECT_FLOAT_EQ(w.grad().item(), 6.0f);
}

TEST(Autograd, NonLeafKeepsNoGradUnlessRetained) {
  Tensor w = leaf(2.0f);
  Tensor h = mul_scalar(w, 3.0f);
  Tensor k = mul_scalar(w, 3.0f);
  k.retain_grad();
  sum(add(square(h), square(k))).backward();
  EXPECT_FALSE(h.is_leaf());
  EXPECT_FALSE(h.grad().defined());
  ASSERT_TRUE(k.grad().defined());
  EXPECT_FLOAT_EQ(k.grad().item(), 12.0f);  // d(k^2)/dk = 2k = 12
  EXPECT_FLOAT_EQ(w.grad().item(), 72.0f);  // 2 * (2 * 3w * 3) = 36w / 2 ... = 18w * 2 = 72
}

TEST(Autograd, SharedSubexpressionSumsBothPaths) {
  Tensor x = leaf(1.5f);
  Tensor y = mul(x, x);  // both inputs are x
  add(y, x).backward();  // d/dx (x^2 + x) = 2x + 1
  EXPECT_FLOAT_EQ(x.grad().item(), 4.0f);
}

TEST(Autograd, SecondBackwardThroughFreedGraphIsAnError) {
  Tensor w = leaf(1.0f);
  Tensor loss = square(mul_scalar(w, 2.0f));
  loss.backward();
  EXPECT_THROW(
      {
        try {
          loss.backward();
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("second time"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
}

TEST(Autograd, RetainGraphAllowsASecondBackward) {
  Tensor w = leaf(1.0f);
  Tensor loss = square(mul_scalar(w, 2.0f));  // 4 w^2, derivative 8w
  loss.backward(/*retain_graph=*/true);
  loss.backward();
  EXPECT_FLOAT_EQ(w.grad().item(), 16.0f);
}

TEST(Autograd, NoGradRecordsNothing) {
  Tensor w = leaf(1.0f);
  Tensor y;
  {
    NoGradGuard guard;
    y = square(w);
  }
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
  EXPECT_THROW(y.backward(), Error);
  EXPECT_TRUE(grad_enabled());  // restored on scope exit
}

TEST(Autograd, DetachCutsTheGraph) {
  Tensor w = leaf(2.0f);
  Tensor d = square(w).detach();
  EXPECT_FALSE(d.requires_grad());
  Tensor z = mul(d, w);  // d is a constant 4 here
  z.backward();
  EXPECT_FLOAT_EQ(w.grad().item(), 4.0f);
}

TEST(Autograd, NonScalarBackwardNeedsAGradient) {
  Tensor x = Tensor::from_rows({{1.0f, 2.0f}}).set_requires_grad(true);
  Tensor y = mul_scalar(x, 3.0f);
  EXPECT_THROW(y.backward(), Error);
  y.backward(Tensor::from_rows({{1.0f, 10.0f}}));
  EXPECT_FLOAT_EQ(x.grad().data()[0], 3.0f);
  EXPECT_FLOAT_EQ(x.grad().data()[1], 30.0f);
}

TEST(Autograd, InputsWithoutRequiresGradGetNoGradient) {
  Tensor w = leaf(2.0f);
  Tensor c = Tensor::scalar(5.0f);
  mul(w, c).backward();
  EXPECT_FALSE(c.grad().defined());
  EXPECT_FLOAT_EQ(w.grad().item(), 5.0f);
}

TEST(Autograd, InPlaceParameterUpdateOutsideTheGraph) {
  Tensor w = leaf(1.0f);
  square(w).backward();
  w.mutable_data() -= 0.1f * w.grad().data();  // what an optimiser does
  EXPECT_FLOAT_EQ(w.item(), 0.8f);
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.requires_grad());
}

TEST(Autograd, AnomalyModeNamesTheOpThatProducedNaN) {
  Tensor w = Tensor::from_data({1}, {0.0f}).set_requires_grad(true);
  set_detect_anomaly(true);
  // d sqrt(w) / dw at 0 is infinite.
  EXPECT_THROW(
      {
        try {
          sum(sqrt(w)).backward();
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("function 'sqrt' returned nan or inf"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
  set_detect_anomaly(false);
  Tensor v = Tensor::from_data({1}, {0.0f}).set_requires_grad(true);
  sum(sqrt(v)).backward();  // off: the infinity passes through, as in PyTorch
  EXPECT_TRUE(std::isinf(v.grad().data()[0]));
}

TEST(Autograd, DeepChainDoesNotOverflowTheStack) {
  Tensor w = leaf(1.0f);
  Tensor y = w;
  for (int i = 0; i < 100000; ++i) y = add_scalar(y, 0.0f);
  y.backward();
  EXPECT_FLOAT_EQ(w.grad().item(), 1.0f);
}

TEST(Autograd, TrainingLoopReleasesItsGraph) {
  // After backward, the graph must not keep the step's intermediates alive: the loss tensor's
  // node holds no inputs once released, so nothing accumulates across steps.
  Tensor w = Tensor::from_rows({{0.5f}}).set_requires_grad(true);
  const Tensor x = Tensor::from_rows({{1.0f}, {2.0f}});
  std::weak_ptr<TensorImpl<float>> first_intermediate;
  for (int step = 0; step < 10000; ++step) {
    Tensor h = matmul(x, w);
    if (step == 0) first_intermediate = h.impl_ptr();
    Tensor loss = mean(square(h));
    w.zero_grad();
    loss.backward();
    w.mutable_data() -= 0.01f * w.grad().data();
  }
  EXPECT_TRUE(first_intermediate.expired());
  EXPECT_EQ(w.impl_ptr().use_count(), 1);  // no graph node still refers to the parameter
}

}  // namespace
}  // namespace duet
