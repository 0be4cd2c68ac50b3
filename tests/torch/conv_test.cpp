// torch.nn's convolution and pooling layers against real PyTorch 1.13: seeded default
// initialisation, forward values, input and weight gradients and the printed module, recorded by
// tools/golden/torch_conv_reference.py into tests/golden/torch_conv_reference.json; then the
// options, names and errors of libtorch's API.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <map>

#include "duet/core/ops.h"
#include "duet/torch.h"
#include "duet/torch/nn/conv.h"
#include "duet/torch/nn/pooling.h"

namespace duet::torch {
namespace {

using json = nlohmann::json;

json reference() {
  std::ifstream in(DUET_GOLDEN_DIR "/torch_conv_reference.json");
  return json::parse(in);
}

std::vector<float> floats(const json& j) { return j.get<std::vector<float>>(); }
Shape shape_of(const json& j) {
  Shape s;
  for (const auto& d : j) s.push_back(d.get<std::int64_t>());
  return s;
}

// Values agree to float32 rounding of sums of a few dozen products (values below ~10).
void expect_close(const Tensor& actual, const std::vector<float>& expected, const std::string& what, double tol = 2e-5) {
  ASSERT_EQ(actual.numel(), static_cast<std::int64_t>(expected.size())) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual.data()[static_cast<Eigen::Index>(i)], expected[i], tol) << what << " element " << i;
}

TEST(Conv, InitialisationMatchesRealPyTorch) {
  // kaiming_uniform(a = sqrt(5)) on fan_in = in_channels x prod(kernel_size): bound 1/sqrt(fan_in)
  // for weight and bias; a fan_in of in_channels alone would give bounds sqrt(k) to 3x wider.
  const json ref = reference();  // a named copy: the loop must not range over a destroyed temporary
  for (const auto& c : ref["init"]) {
    manual_seed(c["seed"].get<std::uint64_t>());
    for (const auto& l : c["layers"]) {
      const auto cin = l["in_channels"].get<std::int64_t>(), cout = l["out_channels"].get<std::int64_t>();
      const auto k = l["kernel_size"].get<std::vector<std::int64_t>>();
      Tensor weight, bias;
      if (l["kind"] == "conv2d") {
        nn::Conv2d conv(nn::Conv2dOptions(cin, cout, k));
        weight = conv->weight;
        bias = conv->bias;
      } else {
        nn::Conv1d conv(cin, cout, k[0]);
        weight = conv->weight;
        bias = conv->bias;
      }
      const std::string what = "seed " + c["seed"].dump() + " " + l["kind"].get<std::string>();
      expect_close(weight, floats(l["weight"]), what + " weight", 1e-7);
      expect_close(bias, floats(l["bias"]), what + " bias", 1e-7);
    }
  }
}

// The layers of the reference file, built with libtorch's C++ options.
std::map<std::string, std::function<std::shared_ptr<nn::Module>()>> layers() {
  using namespace nn;
  return {
      {"Conv2d(2, 3, 3)", [] { return Conv2d(2, 3, 3).ptr(); }},
      {"Conv2d(2, 3, 2, padding=same)", [] { return Conv2d(Conv2dOptions(2, 3, 2).padding(kSame)).ptr(); }},
      {"Conv2d(2, 3, (3, 2), stride=2, padding=1)",
       [] { return Conv2d(Conv2dOptions(2, 3, {3, 2}).stride(2).padding(1)).ptr(); }},
      {"Conv2d(1, 2, 3, padding=valid, bias=False)",
       [] { return Conv2d(Conv2dOptions(1, 2, 3).padding(kValid).bias(false)).ptr(); }},
      {"Conv1d(2, 3, 4, padding=same)", [] { return Conv1d(Conv1dOptions(2, 3, 4).padding(kSame)).ptr(); }},
      {"Conv1d(3, 2, 3, stride=2)", [] { return Conv1d(Conv1dOptions(3, 2, 3).stride(2)).ptr(); }},
      {"MaxPool2d(2)", [] { return MaxPool2d(MaxPool2dOptions(2)).ptr(); }},
      {"MaxPool2d(3, stride=2, padding=1)", [] { return MaxPool2d(MaxPool2dOptions(3).stride(2).padding(1)).ptr(); }},
      {"MaxPool1d(2)", [] { return MaxPool1d(MaxPool1dOptions(2)).ptr(); }},
      {"AvgPool2d(2)", [] { return AvgPool2d(AvgPool2dOptions(2)).ptr(); }},
      {"AvgPool2d(3, stride=2, padding=1)", [] { return AvgPool2d(AvgPool2dOptions(3).stride(2).padding(1)).ptr(); }},
      {"AvgPool2d(3, stride=2, padding=1, count_include_pad=False)",
       [] { return AvgPool2d(AvgPool2dOptions(3).stride(2).padding(1).count_include_pad(false)).ptr(); }},
      {"AvgPool1d(3, stride=1, padding=1)", [] { return AvgPool1d(AvgPool1dOptions(3).stride(1).padding(1)).ptr(); }},
      {"AdaptiveAvgPool2d(1)", [] { return AdaptiveAvgPool2d(AdaptiveAvgPool2dOptions(1)).ptr(); }},
  };
}

TEST(Conv, LayersMatchRealPyTorchForwardAndBackward) {
  const auto make = layers();
  const json ref = reference();
  ASSERT_EQ(ref["layers"].size(), make.size());
  for (const auto& c : ref["layers"]) {
    const std::string name = c["name"];
    ASSERT_TRUE(make.count(name)) << name;
    const auto layer = make.at(name)();
    EXPECT_EQ(layer->to_string(), c["repr"].get<std::string>()) << name;
    auto params = layer->named_parameters();
    if (c.contains("weight")) {
      NoGradGuard no_grad;
      params["weight"].mutable_data() = Tensor::from_data(shape_of(c["weight_shape"]), floats(c["weight"])).data();
      if (!c["bias"].is_null()) params["bias"].mutable_data() = Tensor::from_data(Shape{static_cast<std::int64_t>(c["bias"].size())}, floats(c["bias"])).data();
    }
    Tensor x = Tensor::from_data(shape_of(c["input_shape"]), floats(c["x"])).set_requires_grad(true);
    const Tensor y = layer->forward(x);
    ASSERT_EQ(y.shape(), shape_of(c["output_shape"])) << name;
    expect_close(y, floats(c["y"]), name + " output");
    const Tensor w = arange(std::int64_t{1}, y.numel() + 1).to(kFloat).reshape(y.shape());
    duet::sum(y * w).backward();
    expect_close(x.grad(), floats(c["dx"]), name + " input gradient", 2e-4);
    if (c.contains("dweight")) expect_close(params["weight"].grad(), floats(c["dweight"]), name + " weight gradient", 2e-4);
  }
}

TEST(Conv, ParametersAreNamedWeightAndBias) {
  nn::Sequential model(nn::Conv2d(1, 4, 3), nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)),
                       nn::Conv2d(nn::Conv2dOptions(4, 2, 3).bias(false)));
  std::vector<std::string> names;
  for (const auto& [name, value] : model->state_dict()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "3.weight"}));
  EXPECT_EQ(model->named_parameters()["0.weight"].shape(), (Shape{4, 1, 3, 3}));
  EXPECT_EQ(model->forward(torch::zeros({2, 1, 8, 8})).shape(), (Shape{2, 2, 1, 1}));
}

TEST(Conv, FunctionalFormsMatchTheModules) {
  manual_seed(5);
  nn::Conv2d conv(nn::Conv2dOptions(2, 3, 3).stride(2).padding(1));
  const Tensor x = torch::randn({1, 2, 5, 5});
  namespace F = nn::functional;
  EXPECT_TRUE(F::conv2d(x, conv->weight, F::Conv2dFuncOptions().bias(conv->bias).stride(2).padding(1)).equal(conv(x)));
  nn::Conv1d conv1(nn::Conv1dOptions(2, 2, 2).padding(kSame));
  const Tensor x1 = torch::randn({1, 2, 5});
  EXPECT_TRUE(F::conv1d(x1, conv1->weight, F::Conv1dFuncOptions().bias(conv1->bias).padding(kSame)).equal(conv1(x1)));
  EXPECT_TRUE(F::max_pool2d(x, F::MaxPool2dFuncOptions(2)).equal(nn::MaxPool2d(nn::MaxPool2dOptions(2))(x)));
  EXPECT_TRUE(F::avg_pool1d(x1, F::AvgPool1dFuncOptions(2)).equal(nn::AvgPool1d(nn::AvgPool1dOptions(2))(x1)));
  EXPECT_EQ(F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions(1)).shape(), (Shape{1, 2, 1, 1}));
  EXPECT_EQ(F::max_pool1d(x1, F::MaxPool1dFuncOptions(2)).shape(), (Shape{1, 2, 2}));
  EXPECT_EQ(F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).stride(1)).shape(), (Shape{1, 2, 4, 4}));
}

void expect_error(const std::function<void()>& f, const std::vector<std::string>& words) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << words.front();
  } catch (const Error& e) {
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << " lacks " << w;
  }
}

TEST(Conv, BadInputIsOneClearError) {
  using namespace nn;
  // torch/nn/modules/conv.py: ValueError("padding='same' is not supported for strided convolutions").
  expect_error([] { Conv2d(Conv2dOptions(1, 2, 3).stride(2).padding(kSame)); },
               {"Conv2d", "padding='same' is not supported for strided convolutions", "stride=(2, 2)"});
  expect_error([] { functional::conv2d(torch::zeros({1, 1, 5, 5}), torch::zeros({1, 1, 3, 3}),
                                       functional::Conv2dFuncOptions().stride(2).padding(kSame)); },
               {"conv2d", "padding='same' is not supported for strided convolutions"});
  Conv2d conv(1, 2, 3);
  expect_error([&] { conv(torch::zeros({1, 3, 5, 5})); },
               {"Conv2d(1, 2, kernel_size=(3, 3)", "3 channels", "expects 1"});
  expect_error([&] { conv(torch::zeros({1, 1, 2, 5})); }, {"Conv2d(1, 2", "kernel size 3", "height", "larger"});
  expect_error([&] { conv(torch::zeros({4, 4})); }, {"Conv2d(1, 2", "Expected 4D", "[4, 4]"});
  expect_error([] { Conv2d(Conv2dOptions(1, 2, 3).stride(0)); }, {"Conv2d", "stride", "(0, 0)"});
  expect_error([] { Conv2d(Conv2dOptions(1, 2, 3).dilation(2)); }, {"Conv2d", "dilation=(2, 2)", "not supported"});
  expect_error([] { Conv1d(0, 2, 3); }, {"Conv1d", "in_channels=0"});
  expect_error([] { MaxPool2d(MaxPool2dOptions(2).padding(2)); }, {"MaxPool2d", "pad should be at most half"});
  expect_error([] { MaxPool2d(MaxPool2dOptions(2).stride(0)); }, {"MaxPool2d", "stride should be greater than zero"});
  expect_error([] { MaxPool2d(MaxPool2dOptions(3))(torch::zeros({1, 1, 2, 2})); }, {"max_pool2d", "kernel size 3", "larger"});
  expect_error([] { AvgPool2d(AvgPool2dOptions(2))(torch::zeros({2, 2})); }, {"AvgPool2d", "Expected 4D", "[2, 2]"});
  expect_error([] { AdaptiveAvgPool2d(AdaptiveAvgPool2dOptions({2, 2})); }, {"output_size=(2, 2)", "not supported"});
}

}  // namespace
}  // namespace duet::torch
