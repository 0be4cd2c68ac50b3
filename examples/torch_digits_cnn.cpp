// A small CNN on the 8x8 handwritten digits, as a PyTorch user writes it:
//
//   model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
//                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
//                         nn.Flatten(), nn.Linear(32 * 2 * 2, 10))
//   loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)
//   optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
//   for epoch in range(10): for xb, yb in loader: ...
//
// Images are NCHW ([N, 1, 8, 8]), pixels scaled from 0..16 to 0..1; the first 1,500 images train,
// the last 297 test. The data: data/digits/digits.csv (scikit-learn's copy, BSD licence), or the
// file given as the first argument.
#include <duet/core/datasets.h>
#include <duet/torch.h>
#include <fmt/core.h>

namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;
using torch::utils::data::DataLoader;
using torch::utils::data::TensorDataset;

int main(int argc, char** argv) {
  torch::manual_seed(0);
  const auto [pixels, digits] = duet::datasets::digits(argc > 1 ? argv[1] : DUET_DIGITS_CSV);
  const Tensor x = pixels.reshape({-1, 1, 8, 8}) / 16.0;
  const Tensor y = digits.reshape({-1}).to(torch::kLong);  // class indices, as CrossEntropyLoss wants
  const std::int64_t n_train = 1500;
  const Tensor x_train = x.narrow(0, 0, n_train), y_train = y.narrow(0, 0, n_train);
  const Tensor x_test = x.narrow(0, n_train, x.size(0) - n_train), y_test = y.narrow(0, n_train, x.size(0) - n_train);

  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding(1)), nn::ReLU(),
                       nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding(1)),
                       nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Flatten(), nn::Linear(32 * 2 * 2, 10));
  nn::CrossEntropyLoss loss_fn;
  torch::optim::Adam optimizer(model->parameters(), {.lr = 3e-3f});
  DataLoader loader(TensorDataset(x_train, y_train), {.batch_size = 32, .shuffle = true});

  for (int epoch = 0; epoch < 10; ++epoch) {
    double total = 0;
    for (const auto& [xb, yb] : loader) {
      Tensor loss = loss_fn(model(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      total += loss.item<double>() * static_cast<double>(xb.size(0));
    }
    fmt::print("epoch {}, loss {:.4f}\n", epoch + 1, total / static_cast<double>(n_train));
  }
  torch::NoGradGuard no_grad;
  model->eval();
  const Tensor accuracy = (model(x_test).argmax(1) == y_test).to(torch::kFloat).mean();
  fmt::print("test accuracy {:.3f}\n", accuracy.item<double>());
}
