// The same workloads in libtorch (PyTorch's C++ API), built only with -DDUET_BENCH_LIBTORCH=ON,
// so every Duet/libtorch ratio is measured in one run of one binary.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// cnn_bench.cpp's CNN epoch on the digits (1,500 images, batch 32, SGD), read with libtorch only.
torch::Tensor digits_tensor(bool labels) {
  std::ifstream in(DUET_DIGITS_CSV);
  std::string line;
  std::getline(in, line);  // header
  std::vector<float> pixels;
  std::vector<int64_t> digits;
  while (std::getline(in, line) && static_cast<int64_t>(digits.size()) < 1500) {
    std::stringstream cells(line);
    std::string cell;
    for (int c = 0; c < 65 && std::getline(cells, cell, ','); ++c) {
      if (c < 64) pixels.push_back(std::stof(cell) / 16.0f);
      else digits.push_back(std::stoll(cell));
    }
  }
  if (labels) return torch::tensor(digits);
  return torch::tensor(pixels).reshape({-1, 1, 8, 8});
}

void BM_LibtorchCnnSgdEpoch(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  const auto x = digits_tensor(false), y = digits_tensor(true);
  torch::nn::Sequential model(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 16, 3).padding(1)), torch::nn::ReLU(),
                              torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)),
                              torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 32, 3).padding(1)), torch::nn::ReLU(),
                              torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten(),
                              torch::nn::Linear(128, 10));
  torch::nn::CrossEntropyLoss criterion;
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.05));
  for (auto _ : state) {
    for (int64_t r = 0; r < 1500; r += 32) {
      const int64_t end = std::min<int64_t>(r + 32, 1500);
      auto loss = criterion(model->forward(x.slice(0, r, end)), y.slice(0, r, end));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  state.SetItemsProcessed(state.iterations() * 1500);
}
BENCHMARK(BM_LibtorchCnnSgdEpoch)->Unit(benchmark::kMillisecond);

// LSTM, batch 32, 20 steps, 32 inputs, 64 units: the gradient of the sum of every output, as
// lstm_bench.cpp does through each front-end.
void BM_LibtorchLstmForwardBackward(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(32, 64).batch_first(true));
  const auto x = torch::rand({32, 20, 32}) * 2 - 1;
  for (auto _ : state) {
    lstm->zero_grad();
    std::get<0>(lstm->forward(x)).sum().backward();
    benchmark::DoNotOptimize(lstm->parameters()[0].grad().data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * 32);
}
BENCHMARK(BM_LibtorchLstmForwardBackward)->Unit(benchmark::kMillisecond);

}  // namespace
