// torch_like training knobs, worked by hand from PyTorch 1.13's sources: AdamW against coupled
// weight decay, clip_grad_norm_ / clip_grad_value_, and the epoch schedulers.
#include <gtest/gtest.h>

#include "duet/core/error.h"
#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using test::error_of;

TEST(WeightDecay, AdamWDecouplesAdamCouples) {
  // w = 2, g = 3, lr 0.1, wd 0.5, eps 0. AdamW: w *= 1 - 0.05 -> 1.9, then the first Adam step is
  // lr * sign(g) -> 1.8. Adam: g + wd w = 4 goes into the moments, still one lr step -> 1.9.
  const auto one_step = [](auto opt_tag, auto options) {
    Tensor w = Tensor::scalar(2.0f).set_requires_grad(true);
    typename decltype(opt_tag)::type opt({w}, options);
    mul_scalar(w, 3.0f).backward();
    opt.step();
    return w.item();
  };
  EXPECT_NEAR(one_step(std::type_identity<optim::AdamW>{}, optim::AdamWFields{.lr = 0.1f, .eps = 0.0f, .weight_decay = 0.5f}),
              1.8f, 1e-6f);
  EXPECT_NEAR(one_step(std::type_identity<optim::Adam>{}, optim::AdamFields{.lr = 0.1f, .eps = 0.0f, .weight_decay = 0.5f}),
              1.9f, 1e-6f);
}

// Gradients [3, 4] and [12] on two parameters.
std::pair<Tensor, Tensor> two_gradients() {
  Tensor a = Tensor::from_data(Shape{2}, {0.0f, 0.0f}).set_requires_grad(true);
  Tensor b = Tensor::from_data(Shape{1}, {0.0f}).set_requires_grad(true);
  add(sum(mul(a, Tensor::from_data(Shape{2}, {3.0f, 4.0f}))), sum(mul_scalar(b, 12.0f))).backward();
  return {a, b};
}

TEST(ClipGrad, NormIsGlobalAndReturnsTheNormBefore) {
  auto [a, b] = two_gradients();
  EXPECT_NEAR(nn::utils::clip_grad_norm_({a, b}, 1.0), 13.0, 1e-5);
  // coef = 1 / (13 + 1e-6)
  EXPECT_NEAR(a.grad().data()[0], 3.0f / 13.000001f, 1e-7f);
  EXPECT_NEAR(b.grad().data()[0], 12.0f / 13.000001f, 1e-7f);
}

TEST(ClipGrad, ValueClampsEachGradient) {
  auto [a, b] = two_gradients();
  nn::utils::clip_grad_value_({a, b}, 3.5);
  EXPECT_FLOAT_EQ(a.grad().data()[0], 3.0f);
  EXPECT_FLOAT_EQ(a.grad().data()[1], 3.5f);
  EXPECT_FLOAT_EQ(b.grad().data()[0], 3.5f);
  EXPECT_NE(error_of([first = a] { nn::utils::clip_grad_value_({first}, -1.0); }).find("must not be negative"), std::string::npos);
}

// The lr of group 0 before each of `epochs` scheduler steps.
template <typename Step>
std::vector<float> lrs(optim::Optimizer& opt, int epochs, Step step) {
  std::vector<float> out;
  for (int e = 0; e < epochs; ++e) {
    out.push_back(opt.lr(0));
    step();
  }
  return out;
}

TEST(Schedulers, MultiStepLambdaCosine) {
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  optim::SGD a({w}, {.lr = 1.0f});
  optim::lr_scheduler::MultiStepLR multistep(a, {4, 2}, 0.1f);
  const auto m = lrs(a, 5, [&] { multistep.step(); });
  EXPECT_FLOAT_EQ(m[1], 1.0f);
  EXPECT_FLOAT_EQ(m[2], 0.1f);
  EXPECT_FLOAT_EQ(m[3], 0.1f);
  EXPECT_NEAR(m[4], 0.01f, 1e-9f);

  optim::SGD b({w}, {.lr = 1.0f});
  optim::lr_scheduler::LambdaLR lambda(b, [](int epoch) { return 1.0 / (epoch + 1); });
  EXPECT_EQ(lrs(b, 3, [&] { lambda.step(); }), (std::vector<float>{1.0f, 0.5f, 1.0f / 3}));

  // eta_min 0.2, T_max 4: epoch 2 -> 0.2 + 0.8 * 0.5; epoch 4 -> eta_min.
  optim::SGD c({w}, {.lr = 1.0f});
  optim::lr_scheduler::CosineAnnealingLR cosine(c, 4, 0.2f);
  const auto cs = lrs(c, 5, [&] { cosine.step(); });
  EXPECT_NEAR(cs[2], 0.6f, 1e-6f);
  EXPECT_NEAR(cs[4], 0.2f, 1e-6f);
}

TEST(Schedulers, ReduceLROnPlateauNeedsMoreThanPatienceBadEpochs) {
  // The numbers of keras/knobs_test's ReduceOnPlateau: abs threshold 0.1, patience 2. 1.0 is the
  // best; PyTorch reduces at the third bad epoch (num_bad_epochs 3 > 2), Keras at the second.
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  optim::SGD opt({w}, {.lr = 0.8f});
  optim::lr_scheduler::ReduceLROnPlateau reduce(opt, {.factor = 0.5f, .patience = 2, .threshold = 0.1f,
                                                      .threshold_mode = "abs"});
  std::vector<float> seen;
  for (double loss : {1.0, 0.95, 0.95, 0.95, 0.95}) {
    reduce.step(loss);
    seen.push_back(opt.lr(0));
  }
  EXPECT_EQ(seen, (std::vector<float>{0.8f, 0.8f, 0.8f, 0.4f, 0.4f}));
  // rel (the default): 0.95 < 1.0 * (1 - 1e-4) is an improvement.
  optim::SGD opt2({w}, {.lr = 0.8f});
  optim::lr_scheduler::ReduceLROnPlateau rel(opt2, {.patience = 0});
  rel.step(1.0);
  rel.step(0.95);
  EXPECT_FLOAT_EQ(opt2.lr(0), 0.8f);
  rel.step(0.95);
  EXPECT_NEAR(opt2.lr(0), 0.08f, 1e-7f);
  EXPECT_EQ(error_of([&] { optim::lr_scheduler::ReduceLROnPlateau r(opt, {.factor = 1.0f}); }),
            "ReduceLROnPlateau: Factor should be < 1.0.");
}

const Tensor kLogits = Tensor::from_rows({{1.0f, 0.0f}, {0.0f, 0.0f}});
// log_softmax rows: [1 - ln(1 + e), -ln(1 + e)] = [-0.3132617, -1.3132617] and [-ln 2, -ln 2].

TEST(CrossEntropyWeights, TheMeanDividesByThePickedWeights) {
  // Classes [0, 1], weight [1, 3]: (0.3132617 + 3 * 0.6931472) / (1 + 3) = 0.5981758; dividing by
  // N (as Keras' sample weights do) would give 1.1963516.
  nn::CrossEntropyLoss weighted(nn::CrossEntropyLossOptions().weight(Tensor::from_data(Shape{2}, {1.0f, 3.0f})));
  EXPECT_NEAR(weighted(kLogits, tensor({0, 1})).item(), 0.5981758f, 1e-6f);
  nn::CrossEntropyLoss summed(nn::CrossEntropyLossOptions(torch::kSum).weight(Tensor::from_data(Shape{2}, {1.0f, 3.0f})));
  EXPECT_NEAR(summed(kLogits, tensor({0, 1})).item(), 2.3927032f, 1e-6f);
}

TEST(CrossEntropyWeights, LabelSmoothingMixesInTheUniformTerm) {
  // 0.8 * mean nll (0.5032045) + 0.2 / 2 * mean(-sum logp) (1.5064089) = 0.5532045.
  nn::CrossEntropyLoss smoothed(nn::CrossEntropyLossOptions().label_smoothing(0.2));
  EXPECT_NEAR(smoothed(kLogits, tensor({0, 1})).item(), 0.5532045f, 1e-6f);
  // The same on one-hot probability targets (smoothed to y 0.8 + 0.1).
  EXPECT_NEAR(smoothed(kLogits, Tensor::from_rows({{1.0f, 0.0f}, {0.0f, 1.0f}})).item(), 0.5532045f, 1e-6f);
  EXPECT_NE(error_of([] { nn::CrossEntropyLoss bad(nn::CrossEntropyLossOptions().label_smoothing(1.5)); })
                .find("label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
            std::string::npos);
}

TEST(CrossEntropyWeights, IgnoredSamplesAreLeftOut) {
  nn::CrossEntropyLoss ce(nn::CrossEntropyLossOptions().ignore_index(1));
  EXPECT_NEAR(ce(kLogits, tensor({0, 1})).item(), 0.3132617f, 1e-6f);
}

TEST(BinaryWeights, PosWeightScalesThePositiveTermWeightEachElement) {
  // z = 0, y = 1, pos_weight 3: (1 + 2) softplus(0) = 3 ln 2; weight 0.5 halves it.
  const Tensor z = Tensor::from_rows({{0.0f}}), y = Tensor::from_rows({{1.0f}});
  nn::BCEWithLogitsLoss pos(nn::BCEWithLogitsLossOptions().pos_weight(Tensor::from_data(Shape{1}, {3.0f})));
  EXPECT_NEAR(pos(z, y).item(), 2.0794415f, 1e-6f);
  nn::BCEWithLogitsLoss both(nn::BCEWithLogitsLossOptions()
                                 .pos_weight(Tensor::from_data(Shape{1}, {3.0f}))
                                 .weight(Tensor::from_data(Shape{1}, {0.5f})));
  EXPECT_NEAR(both(z, y).item(), 1.0397208f, 1e-6f);
  // BCELoss: the mean over elements does not divide by the weights: (ln 2 * 2 + ln 2 * 0) / 2.
  nn::BCELoss bce(nn::BCELossOptions().weight(Tensor::from_data(Shape{2}, {2.0f, 0.0f})));
  EXPECT_NEAR(bce(Tensor::from_rows({{0.5f, 0.5f}}), Tensor::from_rows({{1.0f, 1.0f}})).item(), 0.6931472f, 1e-6f);
}

}  // namespace
}  // namespace duet::torch
