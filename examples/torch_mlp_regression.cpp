// A two-layer MLP regression, as a PyTorch user writes it:
//
//   model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
//   loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
//   optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
//   for epoch in range(200):
//       for xb, yb in loader:
//           loss = loss_fn(model(xb), yb); optimizer.zero_grad(); loss.backward(); optimizer.step()
//
// The data: y = sin(x1) + 0.5 x2^2 on 128 points drawn uniformly from [-2, 2]^2.
#include <duet/torch.h>
#include <fmt/core.h>

#include <cmath>

namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;
using torch::utils::data::DataLoader;
using torch::utils::data::TensorDataset;

int main() {
  torch::manual_seed(0);
  std::vector<std::vector<float>> xs, ys;
  for (int i = 0; i < 128; ++i) {
    const float x1 = torch::default_generator().uniform(-2, 2), x2 = torch::default_generator().uniform(-2, 2);
    xs.push_back({x1, x2});
    ys.push_back({std::sin(x1) + 0.5f * x2 * x2});
  }
  const TensorDataset dataset(torch::tensor(xs), torch::tensor(ys));

  nn::Sequential model(nn::Linear(2, 16), nn::Tanh(), nn::Linear(16, 1));
  nn::MSELoss loss_fn;
  torch::optim::Adam optimizer(model->parameters(), {.lr = 0.01f});
  DataLoader loader(dataset, {.batch_size = 16, .shuffle = true});

  for (int epoch = 0; epoch < 200; ++epoch) {
    for (const auto& [xb, yb] : loader) {
      Tensor loss = loss_fn(model(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    if (epoch % 50 == 49) {
      torch::NoGradGuard no_grad;
      fmt::print("epoch {}, loss {:.5f}\n", epoch + 1, loss_fn(model(dataset.x()), dataset.y()).item());
    }
  }
  torch::NoGradGuard no_grad;
  fmt::print("final mse {:.5f}\n", loss_fn(model(dataset.x()), dataset.y()).item());
  fmt::print("{}\n", model);  // PyTorch's module tree
}
