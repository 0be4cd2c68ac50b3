// torch_like optimisers, schedulers, classification losses and Dropout: PyTorch's defaults and rules.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>

#include "duet/core/error.h"
#include "support/test_helpers.h"
#include "duet/torch.h"

namespace duet::torch {
namespace {

using test::error_of;

// One parameter w = 0 with gradient 2 (from loss = 2 w), stepped once.
template <typename Opt, typename Options>
float one_step(Options options) {
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  Opt opt({w}, options);
  mul_scalar(w, 2.0f).backward();
  opt.step();
  return w.item();
}

TEST(Optimizers, DefaultsArePyTorchs) {
  const optim::AdamFields adam;
  EXPECT_FLOAT_EQ(adam.lr, 1e-3f);
  EXPECT_FLOAT_EQ(adam.eps, 1e-8f);
  EXPECT_FLOAT_EQ(adam.betas.second, 0.999f);
  EXPECT_FLOAT_EQ(optim::AdamWFields{}.weight_decay, 1e-2f);
  EXPECT_FLOAT_EQ(optim::RMSpropFields{}.alpha, 0.99f);
  EXPECT_FLOAT_EQ(optim::RMSpropFields{}.lr, 1e-2f);
  EXPECT_FLOAT_EQ(optim::AdagradFields{}.initial_accumulator_value, 0.0f);
  EXPECT_FLOAT_EQ(optim::AdagradFields{}.eps, 1e-10f);
  // libtorch's builders start from the same defaults (AdamOptions(double lr = 1e-3), ...).
  EXPECT_FLOAT_EQ(static_cast<float>(optim::AdamOptions().lr()), 1e-3f);
  EXPECT_FLOAT_EQ(static_cast<float>(std::get<1>(optim::AdamOptions().betas())), 0.999f);
  EXPECT_FLOAT_EQ(static_cast<float>(optim::AdamWOptions().weight_decay()), 1e-2f);
  EXPECT_FLOAT_EQ(static_cast<float>(optim::RMSpropOptions().lr()), 1e-2f);
  EXPECT_FLOAT_EQ(static_cast<float>(optim::AdagradOptions().eps()), 1e-10f);
}

TEST(Optimizers, LibtorchBuildersChainAndSetTheSameFields) {
  // torch::optim::SGDOptions(0.01).momentum(0.9).nesterov(true), as libtorch code writes it.
  const optim::SGDOptions sgd = optim::SGDOptions(0.01).momentum(0.9).dampening(0).weight_decay(1e-4).nesterov(true);
  EXPECT_FLOAT_EQ(static_cast<float>(sgd.lr()), 0.01f);
  EXPECT_FLOAT_EQ(static_cast<float>(sgd.momentum()), 0.9f);
  EXPECT_FLOAT_EQ(static_cast<float>(sgd.weight_decay()), 1e-4f);
  EXPECT_TRUE(sgd.nesterov());
  const optim::SGDFields& plain = sgd;  // the builder is the plain fields with setters
  EXPECT_FLOAT_EQ(plain.momentum, 0.9f);
  const auto adam = optim::AdamOptions(2e-4).betas(std::make_tuple(0.5, 0.999)).eps(1e-6).weight_decay(0.1).amsgrad(true);
  EXPECT_FLOAT_EQ(static_cast<const optim::AdamFields&>(adam).betas.first, 0.5f);  // the plain member
  EXPECT_FLOAT_EQ(static_cast<float>(std::get<0>(adam.betas())), 0.5f);
  EXPECT_TRUE(adam.amsgrad());
  const auto rms = optim::RMSpropOptions(1e-3).alpha(0.9).eps(1e-7).momentum(0.5).centered(true);
  EXPECT_FLOAT_EQ(static_cast<float>(rms.alpha()), 0.9f);
  EXPECT_TRUE(rms.centered());
  const auto ada = optim::AdagradOptions(0.1).lr_decay(0.01).initial_accumulator_value(0.5);
  EXPECT_FLOAT_EQ(static_cast<float>(ada.initial_accumulator_value()), 0.5f);
  auto options = optim::SGDOptions(0.1);
  options.set_lr(0.2);
  EXPECT_FLOAT_EQ(static_cast<float>(options.get_lr()), 0.2f);

  // Each form gives the optimiser the same step: builder, a bare lr (SGD(params, /*lr=*/0.1)),
  // and Duet's designated initialisers.
  EXPECT_EQ(one_step<optim::SGD>(optim::SGDOptions(0.1).momentum(0.9)), one_step<optim::SGD>(optim::SGDFields{.lr = 0.1f, .momentum = 0.9f}));
  EXPECT_EQ(one_step<optim::SGD>(0.1), one_step<optim::SGD>(optim::SGDFields{.lr = 0.1f}));
  EXPECT_EQ(one_step<optim::Adam>(optim::AdamOptions(0.1).eps(0.1)), one_step<optim::Adam>(optim::AdamFields{.lr = 0.1f, .eps = 0.1f}));
  EXPECT_EQ(one_step<optim::RMSprop>(optim::RMSpropOptions(0.1).eps(0.5)),
            one_step<optim::RMSprop>(optim::RMSpropFields{.lr = 0.1f, .eps = 0.5f}));
  EXPECT_EQ(one_step<optim::Adagrad>(optim::AdagradOptions(0.1).eps(1.0)),
            one_step<optim::Adagrad>(optim::AdagradFields{.lr = 0.1f, .eps = 1.0f}));
  EXPECT_NE(error_of([] { optim::SGD s({Tensor::scalar(0.0f).set_requires_grad(true)}, optim::SGDOptions(-1)); })
                .find("Invalid learning rate: -1"),
            std::string::npos);
}

TEST(Optimizers, AnEmptyParameterListIsPyTorchsError) {
  // As torch/optim/optimizer.py; also what a module with unregistered layers gives.
  EXPECT_EQ(error_of([] { optim::SGD opt(std::vector<Tensor>{}, {.lr = 0.1f}); }),
            "SGD: optimizer got an empty parameter list");
  EXPECT_EQ(error_of([] { optim::Adam opt(std::vector<optim::ParamGroup<optim::AdamFields>>{{{}, {}}}); }),
            "Adam: optimizer got an empty parameter list");
  nn::Module unregistered;
  EXPECT_EQ(error_of([&] { optim::Adam opt(unregistered.parameters(), {}); }), "Adam: optimizer got an empty parameter list");
}

TEST(Optimizers, FirstStepsFollowTheRules) {
  // Adam's first step is lr * g / (|g| + eps) ~ lr; RMSprop's lr * g / (sqrt(0.01 g^2) + eps) =
  // 10 lr; Adagrad's lr * g / (|g| + eps) = lr.
  EXPECT_NEAR(one_step<optim::Adam>(optim::AdamFields{.lr = 0.1f}), -0.1f, 1e-6f);
  EXPECT_NEAR(one_step<optim::RMSprop>(optim::RMSpropFields{.lr = 0.01f}), -0.1f, 1e-6f);
  EXPECT_NEAR(one_step<optim::Adagrad>(optim::AdagradFields{.lr = 0.1f}), -0.1f, 1e-6f);
  EXPECT_NEAR(one_step<optim::SGD>(optim::SGDFields{.lr = 0.1f}), -0.2f, 1e-7f);
}

TEST(Optimizers, EpsilonGoesWherePyTorchPutsIt) {
  // A large eps so the placement shows; gradient 2, one step.
  // Adam: m_hat = 2, v_hat = 4: 0.1 * 2 / (2 + 0.1) = 0.0952381 (Keras' epsilon hat: 0.0387).
  EXPECT_NEAR(one_step<optim::Adam>(optim::AdamFields{.lr = 0.1f, .eps = 0.1f}), -0.0952380952f, 2e-6f);
  // RMSprop: v = 0.01 * 4: 0.1 * 2 / (0.2 + 0.5) = 0.2857143 (inside the root: 0.2722).
  EXPECT_NEAR(one_step<optim::RMSprop>(optim::RMSpropFields{.lr = 0.1f, .eps = 0.5f}), -0.2857142857f, 2e-6f);
  // Adagrad: sum = 4: 0.1 * 2 / (2 + 1) = 0.0666667 (inside the root: 0.0894).
  EXPECT_NEAR(one_step<optim::Adagrad>(optim::AdagradFields{.lr = 0.1f, .eps = 1.0f}), -0.0666666667f, 2e-6f);
}

TEST(Optimizers, RMSpropAppliesTheLearningRateAfterItsMomentumBuffer) {
  // torch/optim/rmsprop.py: b = m b + g / (sqrt(v) + eps); p -= lr b. With lr 0.1 then 0.01 (a
  // scheduler), g = 2, alpha 0.9, momentum 0.9, eps 0: b1 = 2 / sqrt(0.4), b2 = 0.9 b1 + 2 / sqrt(0.76),
  // p = -(0.1 b1 + 0.01 b2) = -0.3676298 (Keras' lr-inside-the-buffer form gives -0.6237743).
  Tensor w = Tensor::from_data({1}, {0.0f}).set_requires_grad(true);
  optim::RMSprop opt({w}, {.lr = 0.1f, .alpha = 0.9f, .eps = 0.0f, .momentum = 0.9f});
  for (float lr : {0.1f, 0.01f}) {
    opt.set_lr(0, lr);
    opt.zero_grad();
    mul_scalar(w, 2.0f).backward(Tensor::from_data({1}, {1.0f}));
    opt.step();
  }
  EXPECT_NEAR(w.data()[0], -0.3676298383f, 1e-5f);
}

TEST(DataLoader, DefaultsArePyTorchs) {
  // torch.utils.data.DataLoader(batch_size=1, shuffle=False, drop_last=False)
  const utils::data::DataLoaderOptions o;
  EXPECT_EQ(o.batch_size, 1);
  EXPECT_FALSE(o.shuffle);
  EXPECT_FALSE(o.drop_last);
}

TEST(Optimizers, ChecksUseTorchsWording) {
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  EXPECT_NE(error_of([&] { optim::Adam a({w}, {.betas = {1.0f, 0.999f}}); }).find("Invalid beta parameter at index 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] { optim::RMSprop r({w}, {.lr = -1}); }).find("Invalid learning rate"), std::string::npos);
  Tensor non_leaf = mul_scalar(w, 2.0f);
  EXPECT_NE(error_of([&] { optim::Adam a({non_leaf}, {}); }).find("can't optimize a non-leaf Tensor"), std::string::npos);
  // A model without parameters (or a forgotten register_parameter) fails at once, as in PyTorch.
  EXPECT_EQ(error_of([&] { optim::SGD s(std::vector<Tensor>{}, {.lr = 0.1f}); }),
            "SGD: optimizer got an empty parameter list");
}

TEST(Schedulers, StepAndExponential) {
  Tensor w = Tensor::scalar(0.0f).set_requires_grad(true);
  optim::SGD opt({w}, {.lr = 1.0f});
  optim::lr_scheduler::StepLR step(opt, 2, 0.5f);
  std::vector<float> seen;
  for (int e = 0; e < 5; ++e) {
    seen.push_back(step.get_last_lr()[0]);
    step.step();
  }
  EXPECT_EQ(seen, (std::vector<float>{1, 1, 0.5f, 0.5f, 0.25f}));
  optim::SGD opt2({w}, {.lr = 1.0f});
  optim::lr_scheduler::ExponentialLR exp(opt2, 0.9f);
  exp.step();
  exp.step();
  EXPECT_NEAR(opt2.lr(0), 0.81f, 1e-6f);
}

TEST(Losses, ClassificationModules) {
  const Tensor logits = tensor({{2.0f, -1.0f, 0.5f}, {0.1f, 0.2f, 0.3f}});
  const Tensor indices = tensor({0, 2});  // int64, as PyTorch wants class indices
  const Tensor one_hot = tensor({{1.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 1.0f}});
  const float by_index = nn::CrossEntropyLoss()(logits, indices).item();
  EXPECT_NEAR(nn::CrossEntropyLoss()(logits, one_hot).item(), by_index, 1e-6f);
  EXPECT_NEAR(nn::NLLLoss()(nn::LogSoftmax(1)(logits), indices).item(), by_index, 1e-6f);
  // Row 0: logsumexp(2, -1, 0.5) - 2 = log(e^2 + e^-1 + e^0.5) - 2
  const double row0 = std::log(std::exp(2.0) + std::exp(-1.0) + std::exp(0.5)) - 2.0;
  EXPECT_NEAR(nn::CrossEntropyLoss("none")(logits, indices).data()[0], row0, 1e-6);
  EXPECT_NE(error_of([&] { nn::CrossEntropyLoss()(logits, tensor({0, 3})); })
                .find("Target 3 at position 1 is out of bounds"),
            std::string::npos);
  // Wrong dtypes name both, as PyTorch's "expected scalar type Long but found Float" does.
  EXPECT_NE(error_of([&] { nn::CrossEntropyLoss()(logits, Tensor::from_data({2}, {0.0f, 1.0f})); })
                .find("class-index targets must be int64 (torch::kLong), but got float32"),
            std::string::npos);
  EXPECT_NE(error_of([&] { nn::NLLLoss()(logits, Tensor::from_data({2}, {0.0f, 1.0f})); }).find("but got float32"),
            std::string::npos);
  EXPECT_NE(error_of([&] { nn::CrossEntropyLoss()(logits, one_hot.to(kLong)); })
                .find("class-probability targets (shape [2, 3], the input's) must be float32, but got int64"),
            std::string::npos);
  EXPECT_NE(error_of([&] { nn::MSELoss()(logits, one_hot.to(kLong)); })
                .find("MSELoss: the target must be float32, but got int64"),
            std::string::npos);
  const Tensor p = tensor({{0.9f}, {0.2f}});
  const Tensor y = tensor({{1.0f}, {0.0f}});
  EXPECT_NEAR(nn::BCELoss()(p, y).item(), -(std::log(0.9) + std::log(0.8)) / 2, 1e-6);
  EXPECT_NEAR(nn::BCEWithLogitsLoss()(tensor({{0.0f}}), tensor({{1.0f}})).item(), std::log(2.0), 1e-6);
}

TEST(Anomaly, ADivergingLoopStopsWithOneMessage) {
  // torch.autograd.set_detect_anomaly(True): the first non-finite gradient ends the loop.
  torch::autograd::set_detect_anomaly(true);
  nn::Linear model(1, 1);
  nn::MSELoss criterion("sum");
  optim::SGD optimizer(model->parameters(), {.lr = 10.0f});
  const Tensor x = tensor({{1.0f}, {2.0f}, {3.0f}}), y = tensor({{1.0f}, {2.0f}, {3.0f}});
  const std::string msg = error_of([&] {
    for (int step = 0; step < 1000; ++step) {
      Tensor loss = criterion(model(x), y);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  });
  torch::autograd::set_detect_anomaly(false);
  EXPECT_NE(msg.find("returned nan or inf values"), std::string::npos) << msg;
  EXPECT_NE(msg.find("likely too large"), std::string::npos) << msg;
}

TEST(Dropout, OnlyInTrainingMode) {
  manual_seed(0);
  nn::Dropout drop(0.5f);
  const Tensor x = Tensor::ones({1000});
  const Tensor y = drop(x);
  const auto kept = (y.data() != 0.0f).count();
  EXPECT_GT(kept, 430);  // Binomial(1000, 0.5): 500 +- 16; +-4.4 sigma
  EXPECT_LT(kept, 570);
  EXPECT_FLOAT_EQ(y.data().maxCoeff(), 2.0f);  // kept values scaled by 1 / (1 - p)
  drop->eval();
  EXPECT_TRUE(drop(x).same_as(x));
  EXPECT_NE(error_of([] { nn::Dropout bad(1.5f); }).find("between 0 and 1, but got 1.5"), std::string::npos);
}

TEST(Flatten, KeepsTheBatchAxis) {
  EXPECT_EQ(nn::Flatten()(Tensor::zeros({4, 2, 3})).shape(), (Shape{4, 6}));
}

}  // namespace
}  // namespace duet::torch
