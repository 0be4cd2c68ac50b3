// torch_like: modules, layers, losses and SGD against PyTorch's behaviour.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duet/core/error.h"
#include "support/test_helpers.h"
#include "duet/torch.h"

namespace duet::torch {
namespace {

using nlohmann::json;

using test::error_of;

class TwoLayer : public nn::Module {
 public:
  TwoLayer() {
    register_module("fc1", fc1);
    register_module("act", act);
    register_module("layers", layers);
    layers->push_back(nn::Linear(4, 2)).push_back(nn::ReLU());
  }
  Tensor forward(const Tensor& x) override { return layers(act(fc1(x))); }

  nn::Linear fc1{3, 4};
  nn::Tanh act;
  nn::Sequential layers;
};

TEST(Module, AHugeLinearIsAnErrorNotBadAlloc) {
  EXPECT_NE(error_of([] { nn::Linear huge(1, 1000000000); }).find("Duet's limit for one tensor"), std::string::npos);
}

TEST(Module, NamedParametersUseDottedPaths) {
  TwoLayer net;
  std::vector<std::string> names;
  for (const auto& [name, p] : net.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"fc1.weight", "fc1.bias", "layers.0.weight", "layers.0.bias"}));
  EXPECT_EQ(net.parameters().size(), 4u);
  EXPECT_EQ(net.parameters(false).size(), 0u);
  EXPECT_EQ(net.children().size(), 3u);
  EXPECT_EQ(net.fc1->weight.shape(), (Shape{4, 3}));
  EXPECT_TRUE(net.fc1->weight.requires_grad());
}

TEST(Module, PrintsTheTreeLikePyTorch) {
  TwoLayer net;
  EXPECT_EQ(net.to_string(),
            "TwoLayer(\n"
            "  (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
            "  (act): Tanh()\n"
            "  (layers): Sequential(\n"
            "    (0): Linear(in_features=4, out_features=2, bias=True)\n"
            "    (1): ReLU()\n"
            "  )\n"
            ")");
}

TEST(Module, TrainAndEvalReachEveryDescendant) {
  TwoLayer net;
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.layers[0]->is_training());
  net.train();
  EXPECT_TRUE(net.layers[1]->is_training());
}

TEST(Module, ForwardIsRequired) {
  nn::Module m;
  EXPECT_NE(error_of([&] { m(Tensor::zeros({1, 1})); }).find("Module: forward() is not implemented"),
            std::string::npos);
}

TEST(Module, DuplicateNamesAreRejected) {
  struct Bad : nn::Module {
    nn::Linear a{1, 1}, b{1, 1};
    Bad() {
      register_module("x", a);
      register_module("x", b);
    }
  };
  EXPECT_NE(error_of([] { Bad bad; }).find("'x' is already registered"), std::string::npos);
}

TEST(Linear, InitialisationMatchesRealPyTorch) {
  // tests/golden/torch_linear_init.json was written by tools/golden/torch_linear_init.py with
  // PyTorch 1.13. Both draw 24-bit uniforms from the same mt19937 stream, so values agree to
  // float32 rounding of the final scaling (1e-7 absolute on values below 1).
  std::ifstream in(DUET_GOLDEN_DIR "/torch_linear_init.json");
  const json golden = json::parse(in);
  for (const auto& c : golden["cases"]) {
    manual_seed(c["seed"].get<std::uint64_t>());
    std::vector<std::unique_ptr<nn::LinearImpl>> layers;
    for (const auto& l : c["layers"]) {
      layers.push_back(std::make_unique<nn::LinearImpl>(l["in_features"].get<std::int64_t>(), l["out_features"].get<std::int64_t>()));
    }
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const auto& l = c["layers"][i];
      const auto w = layers[i]->weight.to_rows();
      for (std::size_t r = 0; r < w.size(); ++r)
        for (std::size_t k = 0; k < w[r].size(); ++k)
          EXPECT_NEAR(w[r][k], l["weight"][r][k].get<double>(), 1e-7) << "seed " << c["seed"] << " layer " << i;
      for (std::size_t k = 0; k < l["bias"].size(); ++k)
        EXPECT_NEAR(layers[i]->bias.data()[static_cast<Eigen::Index>(k)], l["bias"][k].get<double>(), 1e-7);
    }
  }
}

TEST(Linear, ManualSeedRepeatsTheDraws) {
  manual_seed(123);
  EXPECT_EQ(initial_seed(), 123u);
  nn::Linear a(5, 5);
  manual_seed(123);
  nn::Linear b(5, 5);
  EXPECT_EQ(a->weight.to_rows(), b->weight.to_rows());
  EXPECT_EQ(a->bias.data()[0], b->bias.data()[0]);
}

TEST(Linear, ShapeErrorsNameTheLayer) {
  nn::Linear l(2, 1);
  const auto msg = error_of([&] { l(Tensor::zeros({6, 1})); });
  EXPECT_NE(msg.find("Linear(in_features=2, out_features=1)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[6, 1]"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { nn::Linear bad(0, 1); }).find("in_features=0"), std::string::npos);
}

TEST(Loss, ReductionsFollowPyTorch) {
  const Tensor p = tensor({{1.0f}, {2.0f}, {3.0f}});
  const Tensor y = tensor({{0.0f}, {0.0f}, {0.0f}});
  EXPECT_FLOAT_EQ(nn::MSELoss()(p, y).item(), 14.0f / 3);
  EXPECT_FLOAT_EQ(nn::MSELoss("sum")(p, y).item(), 14.0f);
  EXPECT_EQ(nn::MSELoss("none")(p, y).shape(), (Shape{3, 1}));
  EXPECT_FLOAT_EQ(nn::L1Loss("sum")(p, y).item(), 6.0f);
  EXPECT_FLOAT_EQ(nn::HuberLoss("sum", 1.0f)(p, y).item(), 0.5f + 1.5f + 2.5f);
  // SmoothL1(beta=2): 0.5 d^2 / 2 for |d| < 2, else |d| - 1: 0.25 + 1 + 2
  EXPECT_FLOAT_EQ(nn::SmoothL1Loss("sum", 2.0f)(p, y).item(), 3.25f);
  EXPECT_NE(error_of([] { nn::MSELoss("avg"); }).find("'none', 'mean' or 'sum', got 'avg'"), std::string::npos);
}

TEST(SGD, ValidatesLikePyTorch) {
  nn::Linear l(1, 1);
  EXPECT_NE(error_of([&] { optim::SGD s(l->parameters(), {}); }).find("lr is required"), std::string::npos);
  EXPECT_NE(error_of([&] { optim::SGD s(l->parameters(), {.lr = -1}); }).find("Invalid learning rate: -1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { optim::SGD s(l->parameters(), {.lr = 0.1f, .nesterov = true}); }).find("Nesterov"),
            std::string::npos);
}

TEST(SGD, ParameterGroupsHaveTheirOwnLearningRate) {
  nn::Linear a(1, 1), b(1, 1);
  a->weight.mutable_data().setConstant(1);
  b->weight.mutable_data().setConstant(1);
  optim::SGD opt({{a->parameters(), {.lr = 0.1f}}, {b->parameters(), {.lr = 1.0f}}});
  const Tensor x = tensor({{1.0f}});
  (a(x) + b(x)).backward();  // d/dw = x = 1 for both
  opt.step();
  EXPECT_FLOAT_EQ(a->weight.item(), 0.9f);
  EXPECT_FLOAT_EQ(b->weight.item(), 0.0f);
  opt.zero_grad();
  EXPECT_FLOAT_EQ(a->weight.grad().item(), 0.0f);
}

// The article's loop; returns the trained layer.
void train_article(nn::Linear& linear, const std::string& reduction, float lr, int epochs = 500) {
  const Tensor x = tensor({{-1.0f}, {0.0f}, {1.0f}, {2.0f}, {3.0f}, {4.0f}});
  const Tensor y = tensor({{-3.0f}, {-1.0f}, {1.0f}, {3.0f}, {5.0f}, {7.0f}});
  nn::MSELoss criterion(reduction);
  optim::SGD optimizer(linear->parameters(), {.lr = lr});
  for (int epoch = 0; epoch < epochs; ++epoch) {
    Tensor loss = criterion(linear(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
}

TEST(Article, SumReductionLearnsTheLine) {
  manual_seed(0);
  nn::Linear linear(1, 1);
  train_article(linear, "sum", 0.01f);
  // 500 steps of effective lr 0.06 contract the error by ~(1 - 0.06 * 1.3)^500: far below 1e-4.
  EXPECT_NEAR(linear->weight.item(), 2.0f, 1e-4f);
  EXPECT_NEAR(linear->bias.item(), -1.0f, 1e-4f);
  NoGradGuard no_grad;
  EXPECT_NEAR(linear(tensor({{10.0f}})).item(), 19.0f, 1e-3f);
}

TEST(Article, SumEqualsMeanWithSixTimesTheLearningRate) {
  // The gradient of the sum over 6 rows is 6x that of the mean, so SGD(lr) on the sum takes the
  // same steps as SGD(6 lr) on the mean, up to float32 rounding of the scaled gradients.
  manual_seed(3);
  nn::Linear a(1, 1);
  manual_seed(3);
  nn::Linear b(1, 1);
  train_article(a, "sum", 0.01f);
  train_article(b, "mean", 0.06f);
  EXPECT_NEAR(a->weight.item(), b->weight.item(), 1e-5f);
  EXPECT_NEAR(a->bias.item(), b->bias.item(), 1e-5f);
}

}  // namespace
}  // namespace duet::torch
