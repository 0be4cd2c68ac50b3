// Written as libtorch code: only the two marked lines differ from a program for libtorch's C++
// frontend. It follows the official C++ frontend documentation (a Net with register_parameter
// and addmm, a Net with a registered Linear, the tutorial's three-layer Net trained with SGD and
// saved with torch::save) and the "Learning PyTorch with Examples" polynomial fit of sin(x)
// (tensors with autograd, then nn.Sequential with a manual update, then torch.optim).
// It exits non-zero, naming the check, when a result is wrong.
#include <duet/torch.h>    // libtorch: #include <torch/torch.h>
namespace torch = duet::torch;  // libtorch: (no such line)

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

// ---- The C++ frontend docs' first two modules ----

struct AddmmNet : torch::nn::Module {
  AddmmNet(int64_t N, int64_t M) {
    W = register_parameter("W", torch::randn({N, M}));
    b = register_parameter("b", torch::randn(M));
  }
  torch::Tensor forward(torch::Tensor input) { return torch::addmm(b, input, W); }
  torch::Tensor W, b;
};

struct LinearNet : torch::nn::Module {
  LinearNet(int64_t N, int64_t M) : linear(register_module("linear", torch::nn::Linear(N, M))) {
    another_bias = register_parameter("b", torch::randn(M));
  }
  torch::Tensor forward(torch::Tensor input) { return linear(input) + another_bias; }
  torch::nn::Linear linear;
  torch::Tensor another_bias;
};

// ---- The tutorial's Net (MNIST-sized layers shrunk to a 2-D toy problem) ----

struct Net : torch::nn::Module {
  Net() {
    fc1 = register_module("fc1", torch::nn::Linear(2, 16));
    fc2 = register_module("fc2", torch::nn::Linear(16, 16));
    fc3 = register_module("fc3", torch::nn::Linear(16, 3));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(fc1->forward(x.reshape({x.size(0), 2})));
    x = torch::dropout(x, /*p=*/0.1, /*train=*/is_training());
    x = torch::relu(fc2->forward(x));
    x = torch::log_softmax(fc3->forward(x), /*dim=*/1);
    return x;
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
};

// The same model as a TORCH_MODULE holder.
struct TinyImpl : torch::nn::Module {
  TinyImpl() : fc(register_module("fc", torch::nn::Linear(torch::nn::LinearOptions(2, 1).bias(false)))) {}
  torch::Tensor forward(torch::Tensor x) { return fc(x); }
  torch::nn::Linear fc;
};
TORCH_MODULE(Tiny);

void frontend_docs() {
  torch::manual_seed(1);
  AddmmNet addmm_net(4, 5);
  const torch::Tensor x = torch::ones({2, 4});
  const torch::Tensor out = addmm_net.forward(x);
  check(out.sizes() == std::vector<int64_t>{2, 5}, "addmm shape");
  check(torch::allclose(out, x.mm(addmm_net.W) + addmm_net.b), "addmm value");
  check(addmm_net.parameters().size() == 2, "AddmmNet has 2 parameters");

  LinearNet linear_net(4, 5);
  check(linear_net.forward(x).size(1) == 5, "LinearNet output width");
  for (const auto& pair : linear_net.named_parameters()) std::cout << pair.key() << ": " << pair.value().sizes() << "\n";
  check(linear_net.named_parameters().contains("linear.weight"), "named_parameters has linear.weight");
  check(linear_net.named_parameters()["b"].sizes() == std::vector<int64_t>{5}, "named_parameters()[\"b\"]");
  std::cout << linear_net << "\n";

  Tiny tiny;
  check(tiny->parameters().size() == 1, "LinearOptions(2, 1).bias(false) has no bias");
  check(tiny(torch::zeros({3, 2})).sizes() == std::vector<int64_t>{3, 1}, "TORCH_MODULE holder call");
}

void tutorial_net() {
  torch::manual_seed(0);
  // Three blobs centred at (-2, -2), (0, 2) and (2, -2), 100 points each.
  const int64_t n = 300;
  const float centres[3][2] = {{-2, -2}, {0, 2}, {2, -2}};
  std::vector<float> points;
  std::vector<int64_t> classes;
  for (int64_t i = 0; i < n; ++i) {
    points.push_back(centres[i % 3][0]);
    points.push_back(centres[i % 3][1]);
    classes.push_back(i % 3);
  }
  torch::Tensor data = torch::from_blob(points.data(), {n, 2}).clone() + 0.5 * torch::randn({n, 2});
  torch::Tensor labels = torch::from_blob(classes.data(), {n}, torch::kLong).clone();
  check(labels.dtype() == torch::kLong, "from_blob with kLong reads int64 labels");
  check(torch::arange(n).dtype() == torch::kLong, "arange of integers is int64");

  auto net = std::make_shared<Net>();
  torch::optim::SGD optimizer(net->parameters(), torch::optim::SGDOptions(0.1));
  float first_loss = 0, last_loss = 0;
  for (size_t epoch = 1; epoch <= 60; ++epoch) {
    optimizer.zero_grad();
    torch::Tensor prediction = net->forward(data);
    torch::Tensor loss = torch::nll_loss(prediction, labels);
    loss.backward();
    optimizer.step();
    if (epoch == 1) first_loss = loss.item<float>();
    last_loss = loss.item<float>();
    if (epoch % 20 == 0) std::cout << "Epoch: " << epoch << " | Loss: " << loss.item<float>() << std::endl;
  }
  check(last_loss < first_loss / 4, "the tutorial Net's loss falls");

  net->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor correct = (net->forward(data).argmax(1) == labels).sum();
  check(correct.dtype() == torch::kLong, "a count of bools is int64");
  check(correct.item<int64_t>() > 285, "the tutorial Net classifies the blobs");

  torch::save(net, "duet_libtorch_tutorial_net.pt");
  auto restored = std::make_shared<Net>();
  torch::load(restored, "duet_libtorch_tutorial_net.pt");
  std::remove("duet_libtorch_tutorial_net.pt");
  for (const auto& p : net->named_parameters()) {
    check(torch::equal(p.value(), restored->named_parameters()[p.key()]), "save/load keeps " + p.key());
  }
  restored->eval();
  check(torch::allclose(restored->forward(data), net->forward(data)), "a restored Net predicts the same");
}

// ---- Learning PyTorch with Examples: fit y = sin(x) with a third-order polynomial ----

// The least-squares cubic on [-pi, pi], which all three versions approach: sin x ~ b x + d x^3
// with b = 0.8567, d = -0.0933 (the even coefficients are 0 by symmetry).
constexpr double kB = 0.8567, kD = -0.0933;

void polynomial_autograd() {
  torch::manual_seed(0);
  torch::Tensor x = torch::linspace(-M_PI, M_PI, 2000);
  torch::Tensor y = torch::sin(x);
  torch::Tensor a = torch::randn({}, torch::requires_grad());
  torch::Tensor b = torch::randn({}, torch::requires_grad());
  torch::Tensor c = torch::randn({}, torch::requires_grad());
  torch::Tensor d = torch::randn({}, torch::requires_grad());
  const double learning_rate = 1e-6;
  double loss_value = 0;
  for (int t = 0; t < 2000; ++t) {
    torch::Tensor y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);
    torch::Tensor loss = (y_pred - y).pow(2).sum();
    loss_value = loss.item<double>();
    if (t % 500 == 99) std::cout << t << " " << loss_value << std::endl;
    loss.backward();
    {
      torch::NoGradGuard no_grad;
      a -= learning_rate * a.grad();
      b -= learning_rate * b.grad();
      c -= learning_rate * c.grad();
      d -= learning_rate * d.grad();
      a.grad().zero_();
      b.grad().zero_();
      c.grad().zero_();
      d.grad().zero_();
    }
  }
  std::cout << "Result: y = " << a.item<double>() << " + " << b.item<double>() << " x + " << c.item<double>()
            << " x^2 + " << d.item<double>() << " x^3" << std::endl;
  check(loss_value < 30, "autograd polynomial: the loss falls below 30");
  check(std::abs(d.item<double>() - kD) < 0.02, "autograd polynomial: the cubic coefficient");
}

void polynomial_nn() {
  torch::manual_seed(0);
  torch::Tensor x = torch::linspace(-M_PI, M_PI, 2000);
  torch::Tensor y = torch::sin(x);
  torch::Tensor p = torch::tensor({1, 2, 3});
  torch::Tensor xx = x.unsqueeze(-1).pow(p);
  check(xx.sizes() == std::vector<int64_t>{2000, 3}, "x.unsqueeze(-1).pow(p) is [2000, 3]");

  torch::nn::Sequential model(torch::nn::Linear(3, 1),
                              torch::nn::Flatten(torch::nn::FlattenOptions().start_dim(0).end_dim(1)));
  torch::nn::MSELoss loss_fn(torch::nn::MSELossOptions().reduction(torch::kSum));
  const double learning_rate = 1e-6;
  double loss_value = 0;
  for (int t = 0; t < 2000; ++t) {
    torch::Tensor y_pred = model->forward(xx);
    torch::Tensor loss = loss_fn(y_pred, y);
    loss_value = loss.item<double>();
    model->zero_grad();
    loss.backward();
    {
      torch::NoGradGuard no_grad;
      for (auto& param : model->parameters()) param -= learning_rate * param.grad();
    }
  }
  auto* linear_layer = model[0]->as<torch::nn::Linear>();
  std::cout << "Result: y = " << linear_layer->bias.item<double>() << " + "
            << linear_layer->weight.index({torch::indexing::Slice(), 0}).item<double>() << " x + "
            << linear_layer->weight.index({torch::indexing::Slice(), 1}).item<double>() << " x^2 + "
            << linear_layer->weight.index({torch::indexing::Slice(), 2}).item<double>() << " x^3" << std::endl;
  check(loss_value < 30, "nn polynomial: the loss falls below 30");
  check(std::abs(linear_layer->weight.index({0, 2}).item<double>() - kD) < 0.02, "nn polynomial: cubic coefficient");
  std::cout << *model << std::endl;
}

void polynomial_optim() {
  torch::manual_seed(0);
  torch::Tensor x = torch::linspace(-M_PI, M_PI, 2000);
  torch::Tensor y = torch::sin(x);
  torch::Tensor xx = torch::stack({x, x.pow(2), x.pow(3)}, 1);
  torch::nn::Sequential model(torch::nn::Linear(3, 1), torch::nn::Flatten(torch::nn::FlattenOptions().start_dim(0).end_dim(1)));
  torch::nn::MSELoss loss_fn(torch::nn::MSELossOptions().reduction(torch::kSum));
  torch::optim::RMSprop optimizer(model->parameters(), torch::optim::RMSpropOptions(1e-3));
  double loss_value = 0;
  for (int t = 0; t < 2000; ++t) {
    torch::Tensor loss = loss_fn(model->forward(xx), y);
    loss_value = loss.item<double>();
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  const torch::Tensor w = model->named_parameters()["0.weight"];
  std::cout << "Result: y = " << model->named_parameters()["0.bias"].item<double>() << " + " << w[0][0].item<double>()
            << " x + " << w[0][1].item<double>() << " x^2 + " << w[0][2].item<double>() << " x^3" << std::endl;
  check(loss_value < 15, "optim polynomial: the loss falls below 15");
  check(std::abs(w[0][0].item<double>() - kB) < 0.05, "optim polynomial: the linear coefficient");
}

}  // namespace

int main() {
  frontend_docs();
  tutorial_net();
  polynomial_autograd();
  polynomial_nn();
  polynomial_optim();
  if (failures) std::cerr << failures << " check(s) failed\n";
  return failures == 0 ? 0 : 1;
}
