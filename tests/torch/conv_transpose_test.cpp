// torch.nn.ConvTranspose2d against real PyTorch 1.13 (tools/golden/torch_conv_transpose.py ->
// tests/golden/torch_conv_transpose.json): the seeded default initialisation, whose fan_in comes
// from the weight's dim 1 (out_channels x kernel area), forward values, input / weight / bias
// gradients and the printed module; then the functional form, the parameter names and the errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <string>

#include "duet/torch.h"

namespace duet::torch::conv_transpose_test {

using json = nlohmann::json;

json transpose_reference() {
  std::ifstream in(DUET_GOLDEN_DIR "/torch_conv_transpose.json");
  return json::parse(in);
}

Shape shape_from_json(const json& j) {
  Shape s;
  for (const auto& d : j) s.push_back(d.get<std::int64_t>());
  return s;
}

void expect_values(const Tensor& actual, const json& expected, const std::string& what, double tol) {
  const auto values = expected.get<std::vector<float>>();
  ASSERT_EQ(actual.numel(), static_cast<std::int64_t>(values.size())) << what;
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_NEAR(actual.data()[static_cast<Eigen::Index>(i)], values[i], tol) << what << " element " << i;
}

nn::ConvTranspose2dOptions options_from_json(const json& c) {
  const auto pair = [&c](const char* key) {
    const auto v = c[key].get<std::vector<std::int64_t>>();
    return ExpandingArray<2>({v[0], v[1]});
  };
  return nn::ConvTranspose2dOptions(c["in_channels"].get<std::int64_t>(), c["out_channels"].get<std::int64_t>(),
                                    pair("kernel_size"))
      .stride(pair("stride"))
      .padding(pair("padding"))
      .output_padding(pair("output_padding"))
      .bias(c["bias_on"].get<bool>());
}

TEST(ConvTranspose2dModule, InitialisationMatchesRealPyTorch) {
  // fan_in = out_channels x KH x KW (dim 1 of [in, out, KH, KW]); in_channels differs from
  // out_channels in every case, so a fan_in taken from dim 0 would change the bounds.
  const json ref = transpose_reference();
  for (const auto& c : ref["init"]) {
    manual_seed(c["seed"].get<std::uint64_t>());
    const auto k = c["kernel_size"].get<std::vector<std::int64_t>>();
    nn::ConvTranspose2d conv(c["in_channels"].get<std::int64_t>(), c["out_channels"].get<std::int64_t>(),
                             ExpandingArray<2>({k[0], k[1]}));
    const std::string what = "seed " + c["seed"].dump();
    ASSERT_EQ(conv->weight.shape(), shape_from_json(c["weight_shape"])) << what;
    expect_values(conv->weight, c["weight"], what + " weight", 1e-7);
    expect_values(conv->bias, c["bias"], what + " bias", 1e-7);
  }
}

TEST(ConvTranspose2dModule, LayersMatchRealPyTorchForwardAndBackward) {
  const json ref = transpose_reference();
  ASSERT_EQ(ref["layers"].size(), 4u);
  for (const auto& c : ref["layers"]) {
    const std::string name = c["name"];
    nn::ConvTranspose2d conv(options_from_json(c));
    EXPECT_EQ(conv->to_string(), c["repr"].get<std::string>()) << name;
    {
      NoGradGuard no_grad;
      conv->weight.mutable_data() = Tensor::from_data(shape_from_json(c["weight_shape"]),
                                                      c["weight"].get<std::vector<float>>()).data();
      if (!c["bias"].is_null()) {
        conv->bias.mutable_data() = Tensor::from_data(Shape{static_cast<std::int64_t>(c["bias"].size())},
                                                      c["bias"].get<std::vector<float>>()).data();
      }
    }
    Tensor x = Tensor::from_data(shape_from_json(c["input_shape"]), c["x"].get<std::vector<float>>())
                   .set_requires_grad(true);
    const Tensor y = conv(x);
    ASSERT_EQ(y.shape(), shape_from_json(c["output_shape"])) << name;
    expect_values(y, c["y"], name + " output", 2e-5);
    const Tensor w = arange(std::int64_t{1}, y.numel() + 1).to(kFloat).reshape(y.shape());
    duet::sum(y * w).backward();
    expect_values(x.grad(), c["dx"], name + " input gradient", 2e-4);
    expect_values(conv->weight.grad(), c["dweight"], name + " weight gradient", 5e-4);
    if (!c["dbias"].is_null()) expect_values(conv->bias.grad(), c["dbias"], name + " bias gradient", 5e-4);
  }
}

TEST(ConvTranspose2dModule, FunctionalFormAndParameterNames) {
  manual_seed(9);
  nn::ConvTranspose2d conv(nn::ConvTranspose2dOptions(3, 2, 3).stride(2).padding(1).output_padding(1));
  const Tensor x = torch::randn({2, 3, 4, 4});
  namespace F = nn::functional;
  const Tensor y = conv(x);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 8, 8}));  // (4 - 1) 2 - 2 + 3 + 1
  EXPECT_TRUE(F::conv_transpose2d(
                  x, conv->weight, F::ConvTranspose2dFuncOptions().bias(conv->bias).stride(2).padding(1).output_padding(1))
                  .equal(y));
  std::vector<std::string> names;
  for (const auto& [name, value] : conv->named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(conv->fan_in(), 2 * 3 * 3);
  nn::ConvTranspose2d no_bias(nn::ConvTranspose2dOptions(4, 1, 4).bias(false));
  EXPECT_FALSE(no_bias->bias.defined());
  EXPECT_EQ(no_bias->parameters().size(), 1u);
}

std::string transpose_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ConvTranspose2dModule, BadInputIsOneClearError) {
  nn::ConvTranspose2d conv(nn::ConvTranspose2dOptions(3, 2, 3).stride(2));
  EXPECT_EQ(transpose_error([&] { conv(torch::zeros({1, 4, 5, 5})); }),
            "ConvTranspose2d(3, 2, kernel_size=(3, 3), stride=(2, 2)): conv_transpose2d: input of shape [1, 4, 5, 5] "
            "has 4 channels but the weight of shape [3, 2, 3, 3] expects 3 (weight is [in_channels, out_channels, KH, "
            "KW])");
  EXPECT_EQ(transpose_error([] { nn::ConvTranspose2d(nn::ConvTranspose2dOptions(3, 2, 3).stride(2).output_padding(2)); }),
            "ConvTranspose2d: output padding must be smaller than either stride or dilation, got "
            "output_padding=(2, 2) with stride=(2, 2) and dilation=(1, 1)");
  nn::ConvTranspose2d cropped(nn::ConvTranspose2dOptions(1, 1, 1).padding(1));
  EXPECT_EQ(transpose_error([&] { cropped(torch::zeros({1, 1, 1, 3})); }),
            "ConvTranspose2d(1, 1, kernel_size=(1, 1), stride=(1, 1), padding=(1, 1)): conv_transpose2d: the output "
            "height would be -1 = (1 - 1) x stride 1 - 2 x padding 1 + kernel 1 + output_padding 0; it must be "
            "positive (the padding is too large)");
  EXPECT_EQ(transpose_error([&] { conv(torch::zeros({3, 5, 5})); }),
            "ConvTranspose2d(3, 2, kernel_size=(3, 3), stride=(2, 2)): conv_transpose2d: Expected 4D (batched) input "
            "to conv_transpose2d, but got input of size: [3, 5, 5]");
  EXPECT_NE(transpose_error([] { nn::ConvTranspose2d(nn::ConvTranspose2dOptions(3, 2, 3).groups(3)); })
                .find("groups=3 is not supported"),
            std::string::npos);
  EXPECT_EQ(transpose_error([] { nn::ConvTranspose2d(0, 2, 3); }),
            "ConvTranspose2d: in_channels and out_channels must be positive, got in_channels=0, out_channels=2");
}

}  // namespace duet::torch::conv_transpose_test
