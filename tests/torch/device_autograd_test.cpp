// libtorch's devices (CPU only, CUDA a clear error), grad_fn()->name() as PyTorch names nodes,
// and the tensor methods the pytorch/examples programs use (norm, expand_as, all, any,
// nll_loss with a reduction, AT_ASSERT).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using test::error_of;

TEST(TorchDevice, CpuIsTheOnlyDeviceAndCudaIsAClearError) {
  EXPECT_FALSE(cuda::is_available());
  EXPECT_EQ(cuda::device_count(), 0);
  Device device(kCPU);
  EXPECT_TRUE(device.is_cpu());
  EXPECT_EQ(Device("cuda:1").index(), 1);
  EXPECT_EQ(Device("cuda:1").str(), "cuda:1");
  EXPECT_EQ(error_of([] { Device("tpu"); }), "Device: expected a device string 'cpu', 'cuda' or 'cuda:<index>', got 'tpu'");
  EXPECT_EQ(error_of([] { Device("cuda:x"); }), "Device: the index in 'cuda:x' is not a non-negative integer");

  const auto x = ones({2});
  EXPECT_TRUE(x.to(device).same_as(x)) << "to(kCPU) is the tensor itself, as libtorch's to() on the same device";
  EXPECT_TRUE(x.device() == Device(kCPU));
  EXPECT_FALSE(x.is_cuda());
  const std::string cuda_error =
      "to: device 'cuda' is not available: Duet computes on the CPU only (torch::cuda::is_available() is false); use "
      "torch::kCPU";
  EXPECT_EQ(error_of([&] { x.to(Device(kCUDA)); }), cuda_error);
  EXPECT_EQ(x.to(kCPU, kLong).dtype(), kLong);

  // Factories take a device as their options; model->to(device) is the module form.
  EXPECT_EQ(zeros({3}, device).sizes(), (std::vector<std::int64_t>{3}));
  EXPECT_NE(error_of([] { randn({2}, Device(kCUDA)); }).find("tensor factory: device 'cuda' is not available"),
            std::string::npos);
  nn::Linear linear(2, 1);
  linear->to(device);
  EXPECT_NE(error_of([&] { linear->to(Device("cuda:0")); }).find("Module::to: device 'cuda:0'"), std::string::npos);
}

TEST(TorchDevice, Float64IsRefusedWithOneSentence) {
  // Storage is float32: a float64 request would silently lose precision, so it is an error.
  EXPECT_NE(error_of([] { ones({1}).to(kDouble); }).find("to(float64): this tensor computes in float32"),
            std::string::npos);
  EXPECT_NE(error_of([] { zeros({1}, kFloat64); }).find("duet::Tensor64"), std::string::npos);
}

TEST(TorchAutograd, GradFnNamesArePyTorchs) {
  // The autograd tutorial's sequence, with the names PyTorch 1.13 prints for it.
  auto x = ones({2, 2}, requires_grad());
  EXPECT_EQ(x.grad_fn(), nullptr) << "a leaf has no grad_fn";
  auto y = x + 2;
  EXPECT_EQ(y.grad_fn()->name(), "AddBackward0");
  auto z = y * y * 3;
  EXPECT_EQ(z.grad_fn()->name(), "MulBackward0");
  EXPECT_EQ(z.mean().grad_fn()->name(), "MeanBackward0");
  EXPECT_EQ((z * z).sum().grad_fn()->name(), "SumBackward0");
  EXPECT_EQ((x - y).grad_fn()->name(), "SubBackward0");
  EXPECT_EQ((x / y).grad_fn()->name(), "DivBackward0");
  EXPECT_EQ(x.mm(y).grad_fn()->name(), "MmBackward0");
  EXPECT_EQ(log_softmax(x, 1).grad_fn()->name(), "LogSoftmaxBackward0");
  EXPECT_EQ(x.pow(2).grad_fn()->name(), "PowBackward0");
  EXPECT_EQ(relu(x).grad_fn()->name(), "ReluBackward0");
  EXPECT_EQ(x.view({4}).grad_fn()->name(), "ViewBackward0");
  nn::Linear linear(2, 3);
  EXPECT_EQ(linear(x).grad_fn()->name(), "AddmmBackward0");
  EXPECT_EQ(duet::pytorch_node_name("binary_cross_entropy"), "BinaryCrossEntropyBackward0");
  // Image ops, as PyTorch 1.13 names them (F.conv2d, conv1d and conv_transpose2d all go through
  // at::convolution; the pools' "2D" is upper case).
  const auto image = torch::ones({1, 1, 4, 4}).requires_grad_(true);
  EXPECT_EQ(nn::Conv2d(nn::Conv2dOptions(1, 2, 3))(image).grad_fn()->name(), "ConvolutionBackward0");
  EXPECT_EQ(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(1, 2, 3))(image).grad_fn()->name(), "ConvolutionBackward0");
  EXPECT_EQ(torch::max_pool2d(image, 2).grad_fn()->name(), "MaxPool2DWithIndicesBackward0");
  EXPECT_EQ(nn::AvgPool2d(nn::AvgPool2dOptions(2))(image).grad_fn()->name(), "AvgPool2DBackward0");
}

TEST(TorchAutograd, NormExpandAsAllAnyMatchTheirDefinitions) {
  auto x = tensor({3.0, -4.0}).requires_grad_(true);
  auto n = x.norm();
  EXPECT_FLOAT_EQ(n.item<float>(), 5.0f);
  n.backward();
  // d|x|/dx = x / |x|
  EXPECT_TRUE(allclose(x.grad(), tensor({0.6, -0.8})));
  EXPECT_FLOAT_EQ(tensor({1.0, -2.0, 2.0}).norm(1).item<float>(), 5.0f);
  EXPECT_NEAR(tensor({1.0, 2.0}).norm(3).item<float>(), std::cbrt(9.0f), 1e-6f);
  const auto rows = tensor({{3.0, 4.0}, {6.0, 8.0}}).norm(2, /*dim=*/1);
  EXPECT_TRUE(allclose(rows, tensor({5.0, 10.0})));
  EXPECT_NE(error_of([] { ones({1}).norm(0); }).find("norm: p must be positive"), std::string::npos);

  const auto row = tensor({1.0, 2.0});
  EXPECT_TRUE(equal(row.expand_as(zeros({2, 2})), tensor({{1.0, 2.0}, {1.0, 2.0}})));
  EXPECT_TRUE(tensor({1, 2}).eq(tensor({1, 2})).all().item<bool>());
  EXPECT_FALSE(tensor({1, 2}).eq(tensor({1, 3})).all().item<bool>());
  EXPECT_TRUE(tensor({0, 2}).any().item<bool>());
  EXPECT_EQ(tensor({0, 0}).any().dtype(), kBool);
}

TEST(TorchAutograd, NllLossWithLibtorchsReductionArgument) {
  const auto log_probs = log_softmax(tensor({{1.0, 2.0}, {3.0, 1.0}}), 1);
  const auto target = tensor({1, 0});
  const float mean = nll_loss(log_probs, target).item<float>();
  EXPECT_FLOAT_EQ(nll_loss(log_probs, target, /*weight=*/{}, Reduction::Sum).item<float>(), 2 * mean);
  EXPECT_FLOAT_EQ(nll_loss(log_probs, target, {}, Reduction::Mean).item<float>(), mean);
  EXPECT_EQ(nll_loss(log_probs, target, {}, Reduction::None).sizes(), (std::vector<std::int64_t>{2}));
  EXPECT_NE(error_of([&] { nll_loss(log_probs, target, ones({2}), Reduction::Sum); }).find("class weights"),
            std::string::npos);
  EXPECT_NE(error_of([&] { nll_loss(log_probs, target, {}, 7); }).find("got 7"), std::string::npos);
}

TEST(TorchFunctional, StrConcatenatesAsC10Str) { EXPECT_EQ(str("dcgan-sample-", 3, ".pt"), "dcgan-sample-3.pt"); }

TEST(TorchAutograd, AtAssertThrowsNamingTheCondition) {
  EXPECT_NO_THROW(AT_ASSERT(1 + 1 == 2));
  const std::string error = error_of([] { AT_ASSERT(!std::isnan(std::nan(""))); });
  EXPECT_EQ(error.rfind("Expected !std::isnan(std::nan(\"\")) to be true, but got false (", 0), 0u) << error;
}

}  // namespace
}  // namespace duet::torch

namespace duet::torch {
namespace {

namespace F = nn::functional;

TEST(TorchFunctional, FuncOptionsFormsAreTheFreeFunctions) {
  manual_seed(0);
  const auto x = randn({3, 4});
  EXPECT_TRUE(equal(F::relu(x), relu(x)));
  EXPECT_TRUE(equal(F::log_softmax(x, /*dim=*/1), log_softmax(x, 1)));
  EXPECT_TRUE(equal(F::softmax(x, F::SoftmaxFuncOptions(0)), softmax(x, 0)));
  EXPECT_TRUE(equal(F::dropout(x, F::DropoutFuncOptions().p(0.5).training(false)), x));
  manual_seed(1);
  const auto dropped = F::dropout(x, F::DropoutFuncOptions().p(0.5));
  manual_seed(1);
  EXPECT_TRUE(equal(dropped, dropout(x, 0.5, true))) << "the same draws from the same seed";
  const auto log_probs = log_softmax(x, 1);
  const auto target = tensor({0, 3, 1});
  EXPECT_FLOAT_EQ(F::nll_loss(log_probs, target, F::NLLLossFuncOptions().reduction(kSum)).item<float>(),
                  nll_loss(log_probs, target, {}, Reduction::Sum).item<float>());
  EXPECT_NE(error_of([&] { F::relu(x, F::ReLUFuncOptions().inplace(true)); }).find("inplace=true is not supported"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::torch

namespace duet::torch {
namespace {

TEST(TorchFunctional, SmoothL1AndBinaryCrossEntropyAreTheLossModules) {
  const auto input = tensor({0.2, 0.9, 0.5});
  const auto target = tensor({0.0, 1.0, 1.0});
  // smooth L1 with beta 1: 0.5 d^2 below 1 -> (0.02 + 0.005 + 0.125) / 3
  EXPECT_NEAR(smooth_l1_loss(input, target).item<float>(), 0.05f, 1e-7f);
  EXPECT_FLOAT_EQ(smooth_l1_loss(input * 10, target, Reduction::Sum).item<float>(),
                  nn::SmoothL1Loss(nn::SmoothL1LossOptions().reduction(kSum))(input * 10, target).item<float>());
  EXPECT_FLOAT_EQ(binary_cross_entropy(input, target).item<float>(), nn::BCELoss()(input, target).item<float>());
  EXPECT_NE(error_of([&] { binary_cross_entropy(input, target, ones({3})); }).find("binary_cross_entropy: class weights"),
            std::string::npos);
  EXPECT_NE(error_of([&] { smooth_l1_loss(input, target, 5); }).find("smooth_l1_loss: reduction must be"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::torch
