// The flatten trap: moving a trained Keras CNN to PyTorch. Keras flattens each [h, w, c] feature
// map in H, W, C order; PyTorch flattens [c, h, w] in C, H, W order. The dense layer after the
// flatten must have its kernel rows permuted, not just transposed:
//
//   conv.weight   = kernel.permute(3, 2, 0, 1)                  # HWIO -> OIHW
//   linear.weight = kernel.T                                     # WRONG: no error, bad answers
//   linear.weight = kernel.reshape(h, w, c, out).permute(2, 0, 1, 3).reshape(c*h*w, out).T   # right
//
// This program trains a small CNN on the 8x8 digits in the Keras style, ports it both ways to the
// PyTorch style, and prints each model's test accuracy and how far its outputs are from Keras'.
// `duet-compare --explain` on a conv -> flatten -> dense experiment measures the same trap.
#include <duet/core/datasets.h>
#include <duet/keras.h>
#include <duet/torch.h>
#include <fmt/core.h>

namespace keras = duet::keras;
namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;

namespace {

constexpr std::int64_t kFilters = 8, kPooled = 4, kClasses = 10;  // 8x8 -> pool -> 4x4x8 = 128 features

double accuracy(const Tensor& scores, const Tensor& labels) {
  return (scores.argmax(1) == labels).to(torch::kFloat).mean().item<double>();
}

float max_difference(const Tensor& a, const Tensor& b) { return (a.data() - b.data()).abs().maxCoeff(); }

}  // namespace

int main(int argc, char** argv) {
  keras::utils::set_random_seed(0);
  const auto [pixels, digits] = duet::datasets::digits(argc > 1 ? argv[1] : DUET_DIGITS_CSV);
  const Tensor images = pixels.reshape({-1, 8, 8, 1}) / 16.0;  // NHWC, as Keras wants
  const Tensor labels = digits.reshape({-1}).to(torch::kLong);
  const std::int64_t n_train = 1500, n_test = images.size(0) - n_train;
  const Tensor x_test = images.narrow(0, n_train, n_test), y_test = labels.narrow(0, n_train, n_test);

  // ---- Keras: train ----
  keras::Sequential model({keras::layers::Input({8, 8, 1}),
                           keras::layers::Conv2D(kFilters, 3, {.padding = "same", .activation = "relu"}),
                           keras::layers::MaxPooling2D(), keras::layers::Flatten(),
                           keras::layers::Dense(kClasses, {.activation = "softmax"})});
  model.compile(keras::optimizers::Adam({.learning_rate = 3e-3f}), "sparse_categorical_crossentropy");
  model.fit(images.narrow(0, 0, n_train), digits.narrow(0, 0, n_train), {.epochs = 4, .batch_size = 32, .verbose = 0});
  const Tensor keras_scores = model.predict(x_test);
  fmt::print("Keras model:                         test accuracy {:.3f}\n", accuracy(keras_scores, y_test));

  // ---- PyTorch: the same architecture, NCHW ----
  const auto w = model.get_weights();  // conv kernel [3, 3, 1, 8], conv bias, dense kernel [128, 10], dense bias
  const Tensor x_test_nchw = x_test.permute({0, 3, 1, 2});
  auto port = [&](const Tensor& linear_weight) {
    nn::Sequential torch_model(nn::Conv2d(nn::Conv2dOptions(1, kFilters, 3).padding(1)), nn::ReLU(),
                               nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Flatten(),
                               nn::Linear(kFilters * kPooled * kPooled, kClasses));
    torch::NoGradGuard no_grad;
    auto p = torch_model->named_parameters();
    p["0.weight"].copy_(w[0].permute({3, 2, 0, 1}));
    p["0.bias"].copy_(w[1]);
    p["4.weight"].copy_(linear_weight);
    p["4.bias"].copy_(w[3]);
    return torch::softmax(torch_model->forward(x_test_nchw), 1);
  };

  const Tensor naive = port(w[2].t());
  fmt::print("PyTorch, dense kernel transposed:    test accuracy {:.3f}, outputs off by up to {:.3g} (no error)\n",
             accuracy(naive, y_test), max_difference(naive, keras_scores));
  const Tensor correct =
      port(w[2].reshape({kPooled, kPooled, kFilters, kClasses}).permute({2, 0, 1, 3}).reshape({-1, kClasses}).t());
  const float correct_gap = max_difference(correct, keras_scores);
  fmt::print("PyTorch, rows permuted HWC -> CHW:   test accuracy {:.3f}, outputs off by up to {:.3g}\n",
             accuracy(correct, y_test), correct_gap);
  if (correct_gap > 1e-5f) return 1;
  fmt::print("the correct port gives identical outputs (to float32 rounding); the naive one fails silently\n");
  return 0;
}
