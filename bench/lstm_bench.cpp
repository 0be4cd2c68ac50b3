// LSTM, batch 32, 20 steps, 32 inputs, 64 units: one forward and backward pass (the gradient of
// the sum of every output) through each front-end (issue 16's workload).
#include <benchmark/benchmark.h>

#include "duet/core/ops.h"
#include "duet/keras.h"
#include "duet/torch.h"

namespace {

using duet::Tensor;
constexpr std::int64_t kBatch = 32, kSteps = 20, kIn = 32, kUnits = 64;

const Tensor& inputs() {
  static const Tensor x = [] {
    duet::Generator g(1);
    Tensor::Array v(kBatch * kSteps * kIn);
    for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = g.uniform(-1, 1);
    return Tensor::from_array({kBatch, kSteps, kIn}, v);
  }();
  return x;
}

void BM_LstmKerasForwardBackward(benchmark::State& state) {
  duet::Generator gen(0);
  duet::keras::layers::LSTM lstm(kUnits, {.return_sequences = true});
  lstm.build({kSteps, kIn}, gen);
  for (auto _ : state) {
    for (auto& w : lstm.trainable_weights()) w.zero_grad();
    duet::sum(lstm.call(inputs(), true)).backward();
    benchmark::DoNotOptimize(lstm.kernel.grad().data().data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LstmKerasForwardBackward)->Unit(benchmark::kMillisecond);

void BM_LstmTorchForwardBackward(benchmark::State& state) {
  duet::torch::manual_seed(0);
  duet::torch::nn::LSTM lstm(duet::torch::nn::LSTMOptions(kIn, kUnits).batch_first(true));
  for (auto _ : state) {
    lstm->zero_grad();
    std::get<0>(lstm(inputs())).sum().backward();
    benchmark::DoNotOptimize(lstm->parameters()[0].grad().data().data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LstmTorchForwardBackward)->Unit(benchmark::kMillisecond);

}  // namespace
