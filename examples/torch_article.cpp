// The article's PyTorch program, line for line:
//
//   class LinearRegressionModel(torch.nn.Module):
//       def __init__(self):
//           super().__init__()
//           self.linear = torch.nn.Linear(1, 1)
//       def forward(self, x):
//           return self.linear(x)
//
//   model = LinearRegressionModel()
//   criterion = torch.nn.MSELoss(size_average=False)   # today: reduction='sum'
//   optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
//   for epoch in range(500):
//       pred_y = model(x_data)
//       loss = criterion(pred_y, y_data)
//       optimizer.zero_grad()
//       loss.backward()
//       optimizer.step()
//       print('epoch {}, loss {}'.format(epoch, loss.item()))
//   print("predict (after training)", 10, model(torch.tensor([[10.0]])).item())
#include <duet/torch.h>

#include <fmt/core.h>

namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;

class LinearRegressionModel : public nn::Module {
 public:
  LinearRegressionModel() { register_module("linear", linear); }
  Tensor forward(const Tensor& x) override { return linear(x); }

  nn::Linear linear{1, 1};
};

int main() {
  const Tensor x_data = torch::tensor({{-1.0f}, {0.0f}, {1.0f}, {2.0f}, {3.0f}, {4.0f}});
  const Tensor y_data = torch::tensor({{-3.0f}, {-1.0f}, {1.0f}, {3.0f}, {5.0f}, {7.0f}});

  LinearRegressionModel model;
  nn::MSELoss criterion("sum");
  torch::optim::SGD optimizer(model.parameters(), {.lr = 0.01f});

  for (int epoch = 0; epoch < 500; ++epoch) {
    Tensor pred_y = model(x_data);
    Tensor loss = criterion(pred_y, y_data);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    // Python prints the float32 loss widened to a double, in its shortest repr.
    fmt::print("epoch {}, loss {}\n", epoch, static_cast<double>(loss.item()));
  }
  torch::NoGradGuard no_grad;
  fmt::print("predict (after training) {} {}\n", 10, static_cast<double>(model(torch::tensor({{10.0f}})).item()));
}
