// The same workloads in libtorch (PyTorch's C++ API), built only with -DDUET_BENCH_LIBTORCH=ON,
// so every Duet/libtorch ratio is measured in one run of one binary.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

namespace {

void BM_LibtorchArticleStep(benchmark::State& state) {
  torch::set_num_threads(1);
  auto x = torch::tensor({-1.f, 0.f, 1.f, 2.f, 3.f, 4.f}).reshape({6, 1});
  auto y = torch::tensor({-3.f, -1.f, 1.f, 3.f, 5.f, 7.f}).reshape({6, 1});
  torch::nn::Linear model(1, 1);
  torch::nn::MSELoss criterion(torch::nn::MSELossOptions().reduction(torch::kSum));
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.001));
  for (auto _ : state) {
    auto loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
}
BENCHMARK(BM_LibtorchArticleStep);

template <typename MakeOptimizer>
void libtorch_mlp_epoch(benchmark::State& state, MakeOptimizer make) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  auto x = torch::rand({4096, 64}) * 2 - 1;
  auto y = torch::rand({4096, 1}) * 2 - 1;
  torch::nn::Sequential model(torch::nn::Linear(64, 256), torch::nn::ReLU(), torch::nn::Linear(256, 256),
                              torch::nn::ReLU(), torch::nn::Linear(256, 1));
  torch::nn::MSELoss criterion;
  auto optimizer = make(model->parameters());
  for (auto _ : state) {
    for (int64_t r = 0; r < 4096; r += 64) {
      auto loss = criterion(model->forward(x.slice(0, r, r + 64)), y.slice(0, r, r + 64));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  state.SetItemsProcessed(state.iterations() * 4096);
}

void BM_LibtorchMlpSgdEpoch(benchmark::State& s) {
  libtorch_mlp_epoch(s, [](auto p) { return torch::optim::SGD(p, torch::optim::SGDOptions(1e-3)); });
}
void BM_LibtorchMlpAdamEpoch(benchmark::State& s) {
  libtorch_mlp_epoch(s, [](auto p) { return torch::optim::Adam(p, torch::optim::AdamOptions(1e-3)); });
}
BENCHMARK(BM_LibtorchMlpSgdEpoch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LibtorchMlpAdamEpoch)->Unit(benchmark::kMillisecond);

}  // namespace
