// Links only Duet::torch from an installed Duet and learns y = 2x - 1.
#include <duet/torch.h>

#include <cmath>
#include <cstdio>

int main() {
  namespace torch = duet::torch;
  torch::manual_seed(0);
  torch::nn::Linear model(1, 1);
  torch::nn::MSELoss criterion;
  torch::optim::SGD optimizer(model->parameters(), {.lr = 0.05f});
  const auto x = torch::tensor({{-1.0}, {0.0}, {1.0}, {2.0}, {3.0}, {4.0}});
  const auto y = torch::tensor({{-3.0}, {-1.0}, {1.0}, {3.0}, {5.0}, {7.0}});
  for (int epoch = 0; epoch < 500; ++epoch) {
    auto loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  torch::NoGradGuard no_grad;
  const float p = model(torch::tensor({{10.0}})).item<float>();
  std::printf("torch consumer: %.4f\n", p);
  return std::abs(p - 19.0f) < 0.05f ? 0 : 1;
}
