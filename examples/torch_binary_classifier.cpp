// A binary classifier with logits and BCEWithLogitsLoss, as a PyTorch user writes it:
//
//   model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
//   loss_fn = nn.BCEWithLogitsLoss()
//   optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
//   ...
//   accuracy = ((model(x) > 0).float() == y).float().mean()
//
// The data: two noisy blobs centred at (-1, -1) (label 0) and (1, 1) (label 1).
#include <duet/torch.h>
#include <fmt/core.h>

namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;

int main() {
  torch::manual_seed(0);
  auto& gen = torch::default_generator();
  std::vector<std::vector<float>> xs, ys;
  for (int i = 0; i < 200; ++i) {
    const float label = static_cast<float>(i % 2);
    const float centre = label == 1 ? 1.0f : -1.0f;
    xs.push_back({centre + 0.7f * static_cast<float>(gen.normal()), centre + 0.7f * static_cast<float>(gen.normal())});
    ys.push_back({label});
  }
  const Tensor x = torch::tensor(xs), y = torch::tensor(ys);

  nn::Sequential model(nn::Linear(2, 8), nn::ReLU(), nn::Linear(8, 1));
  nn::BCEWithLogitsLoss loss_fn;
  torch::optim::SGD optimizer(model->parameters(), {.lr = 0.1f, .momentum = 0.9f});

  for (int epoch = 0; epoch < 100; ++epoch) {
    Tensor loss = loss_fn(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (epoch % 25 == 24) fmt::print("epoch {}, loss {:.4f}\n", epoch + 1, loss.item());
  }
  torch::NoGradGuard no_grad;
  const Tensor accuracy = ((model(x) > 0).to(torch::kFloat) == y).to(torch::kFloat).mean();
  fmt::print("accuracy {:.3f}\n", accuracy.item<double>());
}
