// "Learning PyTorch with Examples", ported as libtorch code: fit y = sin(x) on [-pi, pi] with a
// cubic, first with tensors, autograd and a hand-written update, then with torch::optim::RMSprop
// (500 points instead of the tutorial's 2000, to keep the test short).
// Only the two marked lines differ from the program for libtorch. Exits non-zero if it did not
// learn: both fits must approach the least-squares cubic sin x ~ 0.8567 x - 0.0933 x^3.
#include <duet/torch.h>              // libtorch: #include <torch/torch.h>
namespace torch = duet::torch;       // libtorch: (no such line)

#include <cmath>
#include <cstdio>

namespace {

constexpr double kB = 0.8567, kD = -0.0933;

// Tensors and autograd, with the update written out under NoGradGuard.
bool manual_update() {
  torch::manual_seed(0);
  auto x = torch::linspace(-M_PI, M_PI, 500);
  auto y = torch::sin(x);
  auto a = torch::randn({}, torch::requires_grad());
  auto b = torch::randn({}, torch::requires_grad());
  auto c = torch::randn({}, torch::requires_grad());
  auto d = torch::randn({}, torch::requires_grad());
  const double learning_rate = 4e-6;  // the tutorial's 1e-6 for 2000 points, scaled to 500
  double loss_value = 0;
  for (int t = 0; t < 2000; ++t) {
    auto y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);
    auto loss = (y_pred - y).pow(2).sum();
    loss_value = loss.item<double>();
    loss.backward();
    torch::NoGradGuard no_grad;
    for (auto* p : {&a, &b, &c, &d}) {
      *p -= learning_rate * p->grad();
      p->grad().zero_();
    }
  }
  std::printf("manual update: loss %.3f, y = %.4f + %.4f x + %.4f x^2 + %.4f x^3\n", loss_value, a.item<double>(),
              b.item<double>(), c.item<double>(), d.item<double>());
  // Measured from seed 0: loss 2.57 after 2000 steps, d = -0.0881.
  return loss_value < 3.5 && std::abs(d.item<double>() - kD) < 0.01;
}

// The same fit with a Linear layer on (x, x^2, x^3) and RMSprop.
bool rmsprop() {
  torch::manual_seed(0);
  auto x = torch::linspace(-M_PI, M_PI, 500);
  auto y = torch::sin(x);
  auto xx = x.unsqueeze(-1).pow(torch::tensor({1, 2, 3}));
  torch::nn::Sequential model(torch::nn::Linear(3, 1),
                              torch::nn::Flatten(torch::nn::FlattenOptions().start_dim(0).end_dim(1)));
  torch::nn::MSELoss loss_fn(torch::nn::MSELossOptions().reduction(torch::kSum));
  torch::optim::RMSprop optimizer(model->parameters(), torch::optim::RMSpropOptions(1e-3));
  double loss_value = 0;
  for (int t = 0; t < 2000; ++t) {
    auto loss = loss_fn(model->forward(xx), y);
    loss_value = loss.item<double>();
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  const auto w = model->named_parameters()["0.weight"];
  std::printf("RMSprop: loss %.3f, y = %.4f + %.4f x + %.4f x^2 + %.4f x^3\n", loss_value,
              model->named_parameters()["0.bias"].item<double>(), w[0][0].item<double>(), w[0][1].item<double>(),
              w[0][2].item<double>());
  // Measured from seed 0: loss 2.25, b = 0.8564, d = -0.0928.
  return loss_value < 3.5 && std::abs(w[0][0].item<double>() - kB) < 0.03 && std::abs(w[0][2].item<double>() - kD) < 0.01;
}

}  // namespace

int main() {
  const bool manual = manual_update();
  const bool optimised = rmsprop();
  if (!manual) std::fprintf(stderr, "FAILED: the manual-update fit did not reach the cubic\n");
  if (!optimised) std::fprintf(stderr, "FAILED: the RMSprop fit did not reach the cubic\n");
  return manual && optimised ? 0 : 1;
}
