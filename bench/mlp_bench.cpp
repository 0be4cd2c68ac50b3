// MLP 64 -> 256 -> 256 -> 1 (relu), 4096 rows, batch 64: one epoch of SGD and of Adam through
// each front-end, and the same SGD epoch written by hand with Eigen (no autograd) as the bound.
#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include "duet/keras.h"
#include "duet/torch.h"

namespace {

using duet::Tensor;
constexpr std::int64_t kRows = 4096, kIn = 64, kHidden = 256, kBatch = 64;

struct Data {
  Tensor x, y;
};
const Data& data() {
  static const Data d = [] {
    duet::Generator g(1);
    Tensor::Array x(kRows * kIn), y(kRows);
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = g.uniform(-1, 1);
    for (Eigen::Index i = 0; i < y.size(); ++i) y[i] = g.uniform(-1, 1);
    return Data{Tensor::from_array({kRows, kIn}, x), Tensor::from_array({kRows, 1}, y)};
  }();
  return d;
}

template <typename Optimizer>
void keras_epoch(benchmark::State& state, Optimizer optimizer) {
  namespace keras = duet::keras;
  duet::keras::utils::set_random_seed(0);
  keras::Sequential model({keras::layers::Dense(kHidden, {.activation = "relu", .input_shape = {kIn}}),
                           keras::layers::Dense(kHidden, {.activation = "relu"}), keras::layers::Dense(1)});
  model.compile(optimizer, "mse");
  for (auto _ : state) {
    auto h = model.fit(data().x, data().y, {.epochs = 1, .batch_size = kBatch, .shuffle = false, .verbose = 0});
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_MlpKerasSgdEpoch(benchmark::State& s) { keras_epoch(s, duet::keras::optimizers::SGD({.learning_rate = 1e-3f})); }
void BM_MlpKerasAdamEpoch(benchmark::State& s) { keras_epoch(s, duet::keras::optimizers::Adam()); }
BENCHMARK(BM_MlpKerasSgdEpoch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MlpKerasAdamEpoch)->Unit(benchmark::kMillisecond);

template <typename MakeOptimizer>
void torch_epoch(benchmark::State& state, MakeOptimizer make) {
  namespace nn = duet::torch::nn;
  duet::torch::manual_seed(0);
  nn::Sequential model(nn::Linear(kIn, kHidden), nn::ReLU(), nn::Linear(kHidden, kHidden), nn::ReLU(),
                       nn::Linear(kHidden, 1));
  nn::MSELoss criterion;
  auto optimizer = make(model->parameters());
  const duet::torch::utils::data::TensorDataset dataset(data().x, data().y);
  const duet::torch::utils::data::DataLoader loader(dataset, {.batch_size = kBatch});
  for (auto _ : state) {
    for (const auto& [xb, yb] : loader) {
      Tensor loss = criterion(model(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_MlpTorchSgdEpoch(benchmark::State& s) {
  torch_epoch(s, [](auto p) { return duet::torch::optim::SGD(std::move(p), {.lr = 1e-3f}); });
}
void BM_MlpTorchAdamEpoch(benchmark::State& s) {
  torch_epoch(s, [](auto p) { return duet::torch::optim::Adam(std::move(p), {}); });
}
BENCHMARK(BM_MlpTorchSgdEpoch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MlpTorchAdamEpoch)->Unit(benchmark::kMillisecond);

// The bound: forward, backward and the SGD update written out with Eigen, buffers reused.
void BM_MlpHandWrittenEigenSgdEpoch(benchmark::State& state) {
  using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Row = Eigen::Matrix<float, 1, Eigen::Dynamic>;
  Mat w1 = Mat::Random(kIn, kHidden) * 0.1f, w2 = Mat::Random(kHidden, kHidden) * 0.1f, w3 = Mat::Random(kHidden, 1) * 0.1f;
  Row b1 = Row::Zero(kHidden), b2 = Row::Zero(kHidden), b3 = Row::Zero(1);
  Mat h1(kBatch, kHidden), h2(kBatch, kHidden), out(kBatch, 1), g3(kBatch, 1), g2(kBatch, kHidden), g1(kBatch, kHidden);
  const Eigen::Map<const Mat> x(data().x.data().data(), kRows, kIn), y(data().y.data().data(), kRows, 1);
  const float lr = 1e-3f;
  for (auto _ : state) {
    for (std::int64_t r = 0; r < kRows; r += kBatch) {
      const auto xb = x.middleRows(r, kBatch);
      h1.noalias() = xb * w1;
      h1 = (h1.rowwise() + b1).cwiseMax(0.0f);
      h2.noalias() = h1 * w2;
      h2 = (h2.rowwise() + b2).cwiseMax(0.0f);
      out.noalias() = h2 * w3;
      out.rowwise() += b3;
      g3 = (out - y.middleRows(r, kBatch)) * (2.0f / kBatch);
      g2.noalias() = g3 * w3.transpose();
      g2 = g2.cwiseProduct((h2.array() > 0).cast<float>().matrix());
      g1.noalias() = g2 * w2.transpose();
      g1 = g1.cwiseProduct((h1.array() > 0).cast<float>().matrix());
      w3.noalias() -= lr * (h2.transpose() * g3);
      b3 -= lr * g3.colwise().sum();
      w2.noalias() -= lr * (h1.transpose() * g2);
      b2 -= lr * g2.colwise().sum();
      w1.noalias() -= lr * (xb.transpose() * g1);
      b1 -= lr * g1.colwise().sum();
    }
    benchmark::DoNotOptimize(w1.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_MlpHandWrittenEigenSgdEpoch)->Unit(benchmark::kMillisecond);

}  // namespace
