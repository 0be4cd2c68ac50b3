// torch_like against real PyTorch 1.13 on the public v2 golden batchnorm-dense-defaults: Linear ->
// BatchNorm1d (momentum 0.1, eps 1e-5, unbiased running variance) -> ReLU -> Linear, trained with
// SGD in training mode, predictions in eval() mode from the running statistics. The comparator
// runs the same golden through its own layer kinds; this test pins the front-end itself.
#include <gtest/gtest.h>

#include "duet/torch.h"
#include "support/golden_json.h"

namespace duet::torch {
namespace {

using test::expect_close;
using test::json_tensor;

TEST(BatchNormGolden, DenseBatchNormReluDenseMatchesPyTorch) {
  const auto [e, expected] = test::read_public_v2("batchnorm-dense-defaults", "torch");
  nn::Linear fc1(3, 6), fc2(6, 1);
  nn::BatchNorm1d bn(6);
  nn::Sequential model(fc1, bn, nn::ReLU(), fc2);
  const auto& w = e["initial_weights"];
  fc1->weight.mutable_data() = json_tensor(w[0]["kernel"]).t().data();
  fc1->bias.mutable_data() = json_tensor(w[0]["bias"]).data();
  bn->weight.mutable_data() = json_tensor(w[1]["gamma"]).data();
  bn->bias.mutable_data() = json_tensor(w[1]["beta"]).data();
  bn->running_mean.mutable_data() = json_tensor(w[1]["moving_mean"]).data();
  bn->running_var.mutable_data() = json_tensor(w[1]["moving_variance"]).data();
  fc2->weight.mutable_data() = json_tensor(w[3]["kernel"]).t().data();
  fc2->bias.mutable_data() = json_tensor(w[3]["bias"]).data();

  const Tensor x = json_tensor(e["data"]["x"]), y = json_tensor(e["data"]["y"]);
  optim::SGD sgd(model->parameters(), {.lr = 0.05f});
  nn::MSELoss mse;
  std::vector<float> history;
  const std::int64_t n = x.size(0), batch = e["batch_size"].get<std::int64_t>();
  for (int epoch = 0; epoch < e["epochs"].get<int>(); ++epoch) {
    double total = 0;
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const std::int64_t end = std::min(n, begin + batch);
      Tensor loss = mse(model(x.slice(0, begin, end)), y.slice(0, begin, end));
      sgd.zero_grad();
      loss.backward();
      sgd.step();
      total += static_cast<double>(loss.item<float>()) * static_cast<double>(end - begin);
    }
    history.push_back(static_cast<float>(total / static_cast<double>(n)));
  }
  model->eval();
  NoGradGuard no_grad;
  // float32 over 120 steps; the worst observed error is well inside 1e-5 relative.
  expect_close(Tensor::from_data({static_cast<std::int64_t>(history.size())}, history), expected["loss_history"], 1e-5f,
               "loss history");
  expect_close(model(json_tensor(e["predict"])), expected["predictions"], 1e-5f, "eval-mode predictions");
  expect_close(bn->running_mean, expected["weights"][1]["moving_mean"], 1e-5f, "running_mean");
  expect_close(bn->running_var, expected["weights"][1]["moving_variance"], 1e-5f, "running_var");
  EXPECT_EQ(bn->num_batches_tracked.item<std::int64_t>(), 120);
}

}  // namespace
}  // namespace duet::torch
