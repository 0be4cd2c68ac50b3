// keras_like: activations by name with the keras.activations functions' defaults, activation
// layers with the layers' defaults, use_bias, and L1 / L2 regularizers added to the loss as
// Keras 3's Trainer.compute_loss adds them (worked by hand below).
#include <gtest/gtest.h>

#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras {
namespace {

using test::error_of;

const Tensor& probe() {
  static const Tensor x = Tensor::from_data({5}, std::vector<float>{-3.0f, -1.0f, 0.0f, 1.0f, 2.0f});
  return x;
}

void expect_values(const Tensor& y, const std::vector<float>& expected, const std::string& what) {
  ASSERT_EQ(y.numel(), static_cast<std::int64_t>(expected.size())) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(y.data()[static_cast<Eigen::Index>(i)], expected[i], 1e-6f) << what << " element " << i;
}

// keras.activations: leaky_relu negative_slope=0.2, gelu approximate=False (x Phi(x): 0.8413447
// at 1), hard_sigmoid relu6(x + 3) / 6 (2/3 at 1; tfjs' 0.2 x + 0.5 would give 0.7).
TEST(KerasActivations, FunctionDefaultsAreKeras3s) {
  using layers::activation;
  expect_values(activation("leaky_relu", probe()), {-0.6f, -0.2f, 0.0f, 1.0f, 2.0f}, "leaky_relu");
  expect_values(activation("gelu", probe()), {-0.0040497f, -0.1586553f, 0.0f, 0.8413447f, 1.9544997f}, "gelu");
  expect_values(activation("hard_sigmoid", probe()), {0.0f, 1.0f / 3, 0.5f, 2.0f / 3, 5.0f / 6}, "hard_sigmoid");
  expect_values(activation("elu", probe()), {-0.9502129f, -0.6321206f, 0.0f, 1.0f, 2.0f}, "elu");
  expect_values(activation("swish", probe()), {-0.1422776f, -0.2689414f, 0.0f, 0.7310586f, 1.7615942f}, "swish");
  expect_values(activation("softplus", probe()), {0.0485874f, 0.3132617f, 0.6931472f, 1.3132616f, 2.1269281f},
                "softplus");
  expect_values(activation("selu", probe()), {-1.6705687f, -1.1113307f, 0.0f, 1.0507010f, 2.1014020f}, "selu");
  // Every name of the v2 experiment format is known.
  for (const char* name : {"linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "leaky_relu",
                           "softplus", "swish", "hard_sigmoid"}) {
    EXPECT_EQ(error_of([&] { layers::check_activation_name(name, "Dense"); }), "(no error)") << name;
  }
  const std::string unknown = error_of([] { layers::Dense(1, {.activation = "mish"}); });
  EXPECT_NE(unknown.find("Could not interpret activation function identifier: 'mish'"), std::string::npos);
  EXPECT_NE(unknown.find("hard_sigmoid"), std::string::npos) << "the error lists the valid names";
}

// The LeakyReLU LAYER defaults to 0.3, unlike the function (0.2) and PyTorch (0.01).
TEST(KerasActivations, LayersHaveTheLayersDefaults) {
  expect_values(layers::LeakyReLU().call(probe(), false), {-0.9f, -0.3f, 0.0f, 1.0f, 2.0f}, "LeakyReLU layer");
  expect_values(layers::ELU(0.5f).call(probe(), false), {-0.4751065f, -0.3160603f, 0.0f, 1.0f, 2.0f}, "ELU(0.5)");
  // ReLU(max_value=1.5, negative_slope=0.1, threshold=0.5): slope (x - 0.5) below the threshold.
  expect_values(layers::ReLU({.max_value = 1.5f, .negative_slope = 0.1f, .threshold = 0.5f}).call(probe(), false),
                {-0.35f, -0.15f, -0.05f, 1.0f, 1.5f}, "ReLU options");
  expect_values(layers::ReLU().call(probe(), false), {0.0f, 0.0f, 0.0f, 1.0f, 2.0f}, "ReLU");
  EXPECT_NE(error_of([] { layers::LeakyReLU(-0.1f); }).find("cannot be None or negative"), std::string::npos);
  EXPECT_NE(error_of([] { layers::ReLU({.max_value = -1.0f}); }).find("max_value of a ReLU layer"), std::string::npos);
  Sequential model({layers::Input({3}), layers::Softmax()});
  const Tensor p = model.predict(Tensor::from_rows({{1, 2, 3}}));
  EXPECT_NEAR(p.sum().item(), 1.0f, 1e-6f);
}

// One weight w = 1, x = 1, y = 1: the prediction is exact, so the loss is the penalty alone.
// L2(0.5): 0.5 * 1^2 = 0.5, in evaluate and in fit's reported loss. One SGD step (lr 0.1) with
// gradient d(0.5 w^2)/dw = 2 * 0.5 * w = 1 gives w = 0.9 (PyTorch's weight_decay would need 1.0
// for the same step, and would report a loss of 0).
TEST(Regularizers, L2IsAddedToTheLossAndReported) {
  Sequential model({layers::Dense(1, {.use_bias = false,
                                      .kernel_initializer = "ones",
                                      .kernel_regularizer = regularizers::L2(0.5),
                                      .input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 0.1f}), "mse");
  const Tensor x = Tensor::from_rows({{1}}), y = Tensor::from_rows({{1}});
  EXPECT_NEAR(model.evaluate(x, y, {.verbose = 0}).at("loss"), 0.5, 1e-7);
  const History h = model.fit(x, y, {.epochs = 1, .verbose = 0});
  EXPECT_NEAR(h["loss"][0], 0.5, 1e-7);
  EXPECT_NEAR(model.layers()[0]->weights()[0].value.item(), 0.9f, 1e-7f);
}

// L1(0.25) on the kernel w = 2 plus L1L2(l1 = 0, l2 = 0.1) on the bias b = 1 (both "ones"-scaled
// by hand): penalty 0.25 * 2 + 0.1 * 1 = 0.6 on top of the squared error (2 + 1 - 3)^2 = 0.
TEST(Regularizers, L1AndL1L2OnKernelAndBias) {
  Sequential model({layers::Dense(1, {.kernel_regularizer = regularizers::L1(0.25),
                                      .bias_regularizer = regularizers::L1L2(0.0, 0.1),
                                      .input_shape = {1}})});
  model.compile("sgd", "mse");
  model.build(1);
  model.set_weights({Tensor::from_rows({{2}}), Tensor::from_data({1}, {1.0f})});
  EXPECT_NEAR(model.evaluate(Tensor::from_rows({{1}}), Tensor::from_rows({{3}}), {.verbose = 0}).at("loss"), 0.6, 1e-6);
  EXPECT_EQ(regularizers::get("l2").l2, 0.01);
  EXPECT_EQ(regularizers::get("l1_l2").l1, 0.0);
  EXPECT_NE(error_of([] { regularizers::L2(std::nan("")); }).find("Invalid value for argument l2"), std::string::npos);
  EXPECT_NE(error_of([] { regularizers::L1(-1); }).find("Invalid value for argument l1"), std::string::npos);
}

}  // namespace
}  // namespace duet::keras
