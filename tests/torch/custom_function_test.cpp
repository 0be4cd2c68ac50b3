// torch::autograd::Function (custom forward / backward with AutogradContext) and
// torch::autograd::grad: gradients against the same computation with built-in ops, libtorch's
// count check, and the errors for what Duet cannot do.
#include <gtest/gtest.h>

#include <string>

#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using autograd::AutogradContext;
using autograd::tensor_list;
using test::error_of;

// y = x w^T + b with a hand-written backward; bias is optional (an undefined tensor).
struct AffineFunction : autograd::Function<AffineFunction> {
  static Tensor forward(AutogradContext* ctx, Tensor input, Tensor weight, Tensor bias = Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto output = input.mm(weight.t());
    if (bias.defined()) output += bias.unsqueeze(0).expand_as(output);
    return output;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto& grad_output = grad_outputs[0];
    Tensor grad_bias;
    if (saved[2].defined()) grad_bias = grad_output.sum(0);
    return {grad_output.mm(saved[1]), grad_output.t().mm(saved[0]), grad_bias};
  }
};

struct Scale : autograd::Function<Scale> {
  static Tensor forward(AutogradContext* ctx, Tensor x, double factor) {
    ctx->saved_data["factor"] = factor;
    return x * factor;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["factor"].toDouble(), Tensor()};
  }
};

// A backward that forgets the gradient of its second argument.
struct Forgetful : autograd::Function<Forgetful> {
  static Tensor forward(AutogradContext*, Tensor a, Tensor b) { return a * b; }
  static tensor_list backward(AutogradContext*, tensor_list grad_outputs) { return {grad_outputs[0]}; }
};

TEST(CustomFunction, GradientsMatchTheBuiltInOps) {
  manual_seed(0);
  auto x = randn({2, 3}).requires_grad_();
  auto w = randn({4, 3}).requires_grad_();
  auto b = randn({4}).requires_grad_();
  auto y = AffineFunction::apply(x, w, b);
  EXPECT_EQ(y.grad_fn()->name(), "AffineFunctionBackward0");
  (y * y).sum().backward();
  const auto gx = x.grad().clone(), gw = w.grad().clone(), gb = b.grad().clone();

  x.grad().zero_();
  w.grad().zero_();
  b.grad().zero_();
  auto reference = x.mm(w.t()) + b;
  EXPECT_TRUE(allclose(y, reference));
  (reference * reference).sum().backward();
  EXPECT_TRUE(allclose(gx, x.grad(), 1e-5, 1e-6));
  EXPECT_TRUE(allclose(gw, w.grad(), 1e-5, 1e-6));
  EXPECT_TRUE(allclose(gb, b.grad(), 1e-5, 1e-6));

  // Without the defaulted bias, backward's third (undefined) gradient is allowed, as in libtorch.
  auto x2 = randn({2, 3}).requires_grad_();
  AffineFunction::apply(x2, w).sum().backward();
  EXPECT_TRUE(allclose(x2.grad(), ones({2, 4}).mm(w)));
}

TEST(CustomFunction, SavedDataAndNonTensorArguments) {
  auto x = tensor({1.0, 2.0}).requires_grad_();
  Scale::apply(x, 5.5).sum().backward();
  EXPECT_TRUE(allclose(x.grad(), tensor({5.5, 5.5})));
  {
    NoGradGuard no_grad;
    EXPECT_EQ(Scale::apply(x, 2.0).grad_fn(), nullptr) << "nothing recorded under NoGradGuard";
  }
  IValue value(3);
  EXPECT_EQ(value.toInt(), 3);
  EXPECT_EQ(error_of([&] { value.toDouble(); }), "IValue: expected Double but got Int");
}

TEST(CustomFunction, AWrongNumberOfGradientsIsOneErrorNamingTheFunction) {
  auto a = tensor({1.0}).requires_grad_();
  auto b = tensor({2.0}).requires_grad_();
  auto y = Forgetful::apply(a, b);
  EXPECT_EQ(error_of([&] { y.backward(); }), "function Forgetful returned an incorrect number of gradients (expected 2, got 1)");
}

TEST(AutogradGrad, GivesGradientsWithoutTouchingDotGrad) {
  auto x = tensor({1.0, 2.0, 3.0}).requires_grad_();
  auto w = tensor({0.5, 0.5, 0.5}).requires_grad_();
  auto y = (x * x * w).sum();
  const auto grads = autograd::grad({y}, {x});
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_TRUE(allclose(grads[0], tensor({1.0, 2.0, 3.0})));  // 2 x w
  EXPECT_FALSE(x.grad().defined()) << "grad() leaves .grad alone";
  EXPECT_FALSE(w.grad().defined()) << "... also on the other leaves it passed through";

  // A non-leaf input, and an explicit grad_output.
  auto h = x * 2;
  auto z = h * h;
  const auto gh = autograd::grad({z}, {h}, {ones({3})});
  EXPECT_TRUE(allclose(gh[0], tensor({4.0, 8.0, 12.0})));
  EXPECT_FALSE(h.grad().defined());
}

TEST(AutogradGrad, WhatItCannotDoIsAClearError) {
  auto x = tensor({1.0}).requires_grad_();
  auto unused = tensor({1.0}).requires_grad_();
  auto y = (x * x).sum();
  EXPECT_NE(error_of([&] { autograd::grad({y}, {x}, {}, true, /*create_graph=*/true); }).find("create_graph=true"),
            std::string::npos);
  EXPECT_NE(error_of([&] { autograd::grad({y}, {unused}, {}, true); }).find("appears to not have been used in the graph"),
            std::string::npos);
  const auto with_unused = autograd::grad({y}, {x, unused}, {}, std::nullopt, false, /*allow_unused=*/true);
  EXPECT_TRUE(allclose(with_unused[0], tensor({2.0})));
  EXPECT_FALSE(with_unused[1].defined());
}

}  // namespace
}  // namespace duet::torch
