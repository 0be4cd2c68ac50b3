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
  std::vector<float> labels;
  for (int i = 0; i < 300; ++i) {
    const int c = i % 3;
    xs.push_back({centres[c][0] + 0.8f * static_cast<float>(gen.normal()),
                  centres[c][1] + 0.8f * static_cast<float>(gen.normal())});
    labels.push_back(static_cast<float>(c));
  }
  const Tensor x = torch::tensor(xs);
  const Tensor y = Tensor::from_data({static_cast<std::int64_t>(labels.size())}, labels);  // class indices

  nn::Sequential model({std::make_shared<nn::Linear>(2, 16), std::make_shared<nn::ReLU>(),
                        std::make_shared<nn::Linear>(16, 3)});
  nn::CrossEntropyLoss loss_fn;
  torch::optim::Adam optimizer(model.parameters(), {.lr = 0.05f});

  for (int epoch = 0; epoch < 100; ++epoch) {
    Tensor loss = loss_fn(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (epoch % 25 == 24) fmt::print("epoch {}, loss {:.4f}\n", epoch + 1, loss.item());
  }
  torch::NoGradGuard no_grad;
  const Tensor logits = model(x);
  int correct = 0;
  for (std::int64_t i = 0; i < x.shape()[0]; ++i) {
    int best = 0;
    for (int c = 1; c < 3; ++c)
      if (logits.at(i, c) > logits.at(i, best)) best = c;
    correct += best == static_cast<int>(labels[static_cast<std::size_t>(i)]);
  }
  fmt::print("accuracy {:.3f}\n", correct / static_cast<double>(x.shape()[0]));
}
