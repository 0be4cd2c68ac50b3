// A three-class classifier with CrossEntropyLoss on logits and class-index targets, as a
// PyTorch user writes it:
//
//   model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
//   loss_fn = nn.CrossEntropyLoss()
//   optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
//   ...
//   accuracy = (model(x).argmax(dim=1) == y).float().mean()
//
// The data: three noisy blobs around (0, 2), (-2, -1) and (2, -1).
#include <duet/torch.h>
#include <fmt/core.h>

namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;

int main() {
  torch::manual_seed(0);
  auto& gen = torch::default_generator();
  const float centres[3][2] = {{0, 2}, {-2, -1}, {2, -1}};
  std::vector<std::vector<float>> xs;
  std::vector<std::int64_t> labels;
  for (int i = 0; i < 300; ++i) {
    const int c = i % 3;
    xs.push_back({centres[c][0] + 0.8f * static_cast<float>(gen.normal()),
                  centres[c][1] + 0.8f * static_cast<float>(gen.normal())});
    labels.push_back(c);
  }
  const Tensor x = torch::tensor(xs);
  const Tensor y = torch::tensor(labels);  // class indices: int64, as CrossEntropyLoss wants them

  nn::Sequential model(nn::Linear(2, 16), nn::ReLU(), nn::Linear(16, 3));
  nn::CrossEntropyLoss loss_fn;
  torch::optim::Adam optimizer(model->parameters(), {.lr = 0.05f});

  for (int epoch = 0; epoch < 100; ++epoch) {
    Tensor loss = loss_fn(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (epoch % 25 == 24) fmt::print("epoch {}, loss {:.4f}\n", epoch + 1, loss.item());
  }
  torch::NoGradGuard no_grad;
  const Tensor accuracy = (model(x).argmax(1) == y).to(torch::kFloat).mean();
  fmt::print("accuracy {:.3f}\n", accuracy.item<double>());
}
