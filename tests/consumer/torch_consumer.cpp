// Links only Duet::torch from an installed Duet and learns y = 2x - 1.
#include <duet/torch.h>

#include <cmath>
#include <cstdio>

int main() {
  namespace torch = duet::torch;
  torch::manual_seed(0);
  torch::nn::Linear model(1, 1);
  torch::nn::MSELoss criterion;
  torch::optim::SGD optimizer(model.parameters(), {.lr = 0.05f});
  const auto x = torch::tensor({{-1}, {0}, {1}, {2}, {3}, {4}});
  const auto y = torch::tensor({{-3}, {-1}, {1}, {3}, {5}, {7}});
  for (int epoch = 0; epoch < 500; ++epoch) {
    auto loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  torch::NoGradGuard no_grad;
  const float p = model(torch::tensor({{10}})).item();
  std::printf("torch consumer: %.4f\n", p);
  return std::abs(p - 19.0f) < 0.05f ? 0 : 1;
}
