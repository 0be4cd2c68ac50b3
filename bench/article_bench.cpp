// The article's model (one dense unit, 6 rows): a whole 500-epoch run and one training step,
// through each front-end, against a hand-written scalar loop (the floor).
#include <benchmark/benchmark.h>

#include "duet/keras.h"
#include "duet/torch.h"

namespace {

using duet::Tensor;

const Tensor kX = Tensor::from_rows({{-1}, {0}, {1}, {2}, {3}, {4}});
const Tensor kY = Tensor::from_rows({{-3}, {-1}, {1}, {3}, {5}, {7}});

void BM_ArticleKerasFit500(benchmark::State& state) {
  namespace keras = duet::keras;
  for (auto _ : state) {
    keras::Sequential model({keras::layers::Dense(1, {.input_shape = {1}})});
    model.compile("sgd", "mean_squared_error");
    auto h = model.fit(kX, kY, {.epochs = 500, .verbose = 0});
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_ArticleKerasFit500)->Unit(benchmark::kMicrosecond);

void BM_ArticleTorchLoop500(benchmark::State& state) {
  namespace torch = duet::torch;
  for (auto _ : state) {
    torch::nn::Linear model(1, 1);
    torch::nn::MSELoss criterion("sum");
    torch::optim::SGD optimizer(model->parameters(), {.lr = 0.01f});
    for (int epoch = 0; epoch < 500; ++epoch) {
      Tensor loss = criterion(model(kX), kY);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    benchmark::DoNotOptimize(model->weight.data()[0]);
  }
}
BENCHMARK(BM_ArticleTorchLoop500)->Unit(benchmark::kMicrosecond);

// Keras' per-epoch cost inside one fit call: 500 epochs in order, reported per epoch.
void BM_ArticleKerasEpochInsideFit(benchmark::State& state) {
  namespace keras = duet::keras;
  keras::Sequential model({keras::layers::Dense(1, {.input_shape = {1}})});
  model.compile(keras::optimizers::SGD({.learning_rate = 0.001f}), "mean_squared_error");
  for (auto _ : state) {
    auto h = model.fit(kX, kY, {.epochs = 500, .shuffle = false, .verbose = 0});
    benchmark::DoNotOptimize(h);
  }
  state.counters["per_epoch"] = benchmark::Counter(500.0 * static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ArticleKerasEpochInsideFit)->Unit(benchmark::kMicrosecond);

// One Keras epoch (fit with epochs=1 includes fit's per-call set-up, as Keras' does).
void BM_ArticleKerasStep(benchmark::State& state) {
  namespace keras = duet::keras;
  keras::Sequential model({keras::layers::Dense(1, {.input_shape = {1}})});
  model.compile("sgd", "mean_squared_error");
  for (auto _ : state) {
    auto h = model.fit(kX, kY, {.epochs = 1, .shuffle = false, .verbose = 0});
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_ArticleKerasStep);

void BM_ArticleTorchStep(benchmark::State& state) {
  namespace torch = duet::torch;
  torch::nn::Linear model(1, 1);
  torch::nn::MSELoss criterion("sum");
  torch::optim::SGD optimizer(model->parameters(), {.lr = 0.001f});
  for (auto _ : state) {
    Tensor loss = criterion(model(kX), kY);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
}
BENCHMARK(BM_ArticleTorchStep);

// The floor: the same step as scalar C++ with the gradient written out by hand.
void BM_ArticleHandWrittenStep(benchmark::State& state) {
  const float xs[6] = {-1, 0, 1, 2, 3, 4}, ys[6] = {-3, -1, 1, 3, 5, 7};
  float w = 0.5f, b = 0.0f;
  for (auto _ : state) {
    float gw = 0, gb = 0;
    for (int i = 0; i < 6; ++i) {
      const float r = w * xs[i] + b - ys[i];
      gw += 2 * r * xs[i];
      gb += 2 * r;
    }
    w -= 0.001f * gw;
    b -= 0.001f * gb;
    benchmark::DoNotOptimize(w);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_ArticleHandWrittenStep);

}  // namespace
