// The PyTorch side of a comparison, written as a PyTorch user would write it: an
// nn.Sequential of Linear layers and activations, a loss module, SGD, and the loop.
#include <chrono>
#include <memory>

#include "duet/compare/report.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/torch.h"

namespace duet::compare {

namespace {

std::shared_ptr<torch::nn::Module> activation_module(const std::string& name) {
  namespace nn = torch::nn;
  if (name == "relu") return std::make_shared<nn::ReLU>();
  if (name == "sigmoid") return std::make_shared<nn::Sigmoid>();
  if (name == "tanh") return std::make_shared<nn::Tanh>();
  if (name == "softmax") return std::make_shared<nn::Softmax>(-1);
  return nullptr;  // linear
}

std::unique_ptr<torch::nn::Loss> loss_module(const TorchConfig& t) {
  namespace nn = torch::nn;
  if (t.loss == "mse") return std::make_unique<nn::MSELoss>(t.reduction);
  if (t.loss == "l1") return std::make_unique<nn::L1Loss>(t.reduction);
  if (t.loss == "huber") return std::make_unique<nn::HuberLoss>(t.reduction, t.huber_delta);
  if (t.loss == "smooth_l1") return std::make_unique<nn::SmoothL1Loss>(t.reduction, t.smooth_l1_beta);
  throw Error("torch.loss.name: unknown loss '" + t.loss + "'");
}

}  // namespace

SideReport run_torch(const Experiment& e) {
  namespace nn = torch::nn;
  torch::manual_seed(e.seed);
  nn::Sequential model;
  std::vector<std::shared_ptr<nn::Linear>> linears;
  std::int64_t in = e.x.shape()[1];
  for (const auto& l : e.layers) {
    linears.push_back(std::make_shared<nn::Linear>(in, l.units));
    model.push_back(linears.back());
    if (auto act = activation_module(l.activation)) model.push_back(act);
    in = l.units;
  }
  if (e.initial_weights) {
    for (std::size_t i = 0; i < linears.size(); ++i) {  // Keras [in][out] -> PyTorch [out][in]
      linears[i]->weight.mutable_data() = transpose((*e.initial_weights)[i].kernel).data();
      linears[i]->bias.mutable_data() = (*e.initial_weights)[i].bias.data();
    }
  }
  const auto criterion = loss_module(e.torch);
  const auto& t = e.torch;
  torch::optim::SGD optimizer(model.parameters(), {.lr = *t.lr,
                                                   .momentum = t.momentum,
                                                   .dampening = t.dampening,
                                                   .weight_decay = t.weight_decay,
                                                   .nesterov = t.nesterov});

  const std::int64_t n = e.x.shape()[0];
  const std::int64_t batch = std::min<std::int64_t>(e.torch_batch_size(), n);
  SideReport report;
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < e.epochs; ++epoch) {
    std::vector<std::int64_t> order;
    if (e.torch_shuffle()) order = torch::default_generator().permutation(n);
    double weighted = 0;
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const std::int64_t end = std::min(n, begin + batch);
      Tensor xb = e.x, yb = e.y;
      if (!order.empty()) {
        const std::vector<std::int64_t> idx(order.begin() + begin, order.begin() + end);
        xb = gather_rows(e.x, idx);
        yb = gather_rows(e.y, idx);
      } else if (batch < n) {
        xb = slice_rows(e.x, begin, end);
        yb = slice_rows(e.y, begin, end);
      }
      Tensor loss = (*criterion)(model(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      weighted += static_cast<double>(loss.item()) * static_cast<double>(end - begin);
    }
    report.loss_history.push_back(weighted / static_cast<double>(n));
    if (!std::isfinite(report.loss_history.back())) {
      throw Error("torch: the loss became " + std::to_string(report.loss_history.back()) + " in epoch " +
                  std::to_string(epoch + 1) + ": training diverged (is the learning rate too high?)");
    }
  }
  report.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  {
    torch::NoGradGuard no_grad;
    model.eval();
    report.predictions = model(e.predict).to_rows();
  }
  for (const auto& l : linears) report.weights.push_back({transpose(l->weight).detach(), l->bias.detach()});
  return report;
}

Report run(const Experiment& e) { return {e.name, run_keras(e), run_torch(e)}; }

}  // namespace duet::compare
