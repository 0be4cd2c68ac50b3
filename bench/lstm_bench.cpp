// LSTM, batch 32, 20 steps, 32 inputs, 64 units: one forward and backward pass (the gradient of
// the sum of every output) through each front-end (issue 16's workload), and the same pass
// written by hand as the bound: one input GEMM for all steps, one recurrent GEMM per step, the
// gate math on Eigen arrays and backpropagation through time, buffers reused, no autograd
// (libtorch's version is in libtorch_bench.cpp).
#include <benchmark/benchmark.h>

#include <Eigen/Core>

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

// ---- the hand-written bound (Keras' layout: kernel [F, 4H], recurrent kernel [H, 4H]) ----
using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::Matrix<float, 1, Eigen::Dynamic>;

struct HandLstm {
  Mat w = Mat::Random(kIn, 4 * kUnits) * 0.2f, u = Mat::Random(kUnits, 4 * kUnits) * 0.2f;
  Vec b = Vec::Zero(4 * kUnits);
  Mat dw, du;
  Vec db;
  // Step-major buffers: rows [t N, (t + 1) N) are step t.
  Mat x, z, gates, cells, tanh_cells, hiddens, dz;

  HandLstm() {
    const auto& v = inputs().data();
    x.resize(kSteps * kBatch, kIn);
    for (std::int64_t n = 0; n < kBatch; ++n)
      for (std::int64_t t = 0; t < kSteps; ++t)
        for (std::int64_t f = 0; f < kIn; ++f) x(t * kBatch + n, f) = v[(n * kSteps + t) * kIn + f];
    hiddens.setZero((kSteps + 1) * kBatch, kUnits);  // block 0 is h0 = 0
    cells.setZero((kSteps + 1) * kBatch, kUnits);    // block 0 is c0 = 0
  }

  static auto sigmoid(const auto& v) { return (1.0f + (-v).exp()).inverse(); }

  void pass() {
    const Eigen::Index n = kBatch, h = kUnits;
    z.noalias() = x * w;
    z.rowwise() += b;
    gates.resize(kSteps * n, 4 * h);
    tanh_cells.resize(kSteps * n, h);
    for (Eigen::Index t = 0; t < kSteps; ++t) {
      auto zt = z.middleRows(t * n, n);
      zt.noalias() += hiddens.middleRows(t * n, n) * u;
      auto gt = gates.middleRows(t * n, n);
      gt.leftCols(2 * h) = sigmoid(zt.leftCols(2 * h).array()).matrix();
      gt.middleCols(2 * h, h) = zt.middleCols(2 * h, h).array().tanh().matrix();
      gt.rightCols(h) = sigmoid(zt.rightCols(h).array()).matrix();
      cells.middleRows((t + 1) * n, n) =
          (gt.middleCols(h, h).array() * cells.middleRows(t * n, n).array() +
           gt.leftCols(h).array() * gt.middleCols(2 * h, h).array()).matrix();
      tanh_cells.middleRows(t * n, n) = cells.middleRows((t + 1) * n, n).array().tanh().matrix();
      hiddens.middleRows((t + 1) * n, n) =
          (gt.rightCols(h).array() * tanh_cells.middleRows(t * n, n).array()).matrix();
    }
    // Backward of sum(h_1..h_T): every dL/dh_t starts at 1.
    dz.resize(kSteps * n, 4 * h);
    Mat dh = Mat::Zero(n, h), dc = Mat::Zero(n, h);
    for (Eigen::Index t = kSteps - 1; t >= 0; --t) {
      dh.array() += 1.0f;
      const auto gt = gates.middleRows(t * n, n).array();
      const auto i = gt.leftCols(h), f = gt.middleCols(h, h), g = gt.middleCols(2 * h, h), o = gt.rightCols(h);
      const auto tc = tanh_cells.middleRows(t * n, n).array();
      dc.array() += dh.array() * o * (1.0f - tc.square());
      auto d = dz.middleRows(t * n, n).array();
      d.leftCols(h) = dc.array() * g * i * (1.0f - i);
      d.middleCols(h, h) = dc.array() * cells.middleRows(t * n, n).array() * f * (1.0f - f);
      d.middleCols(2 * h, h) = dc.array() * i * (1.0f - g.square());
      d.rightCols(h) = dh.array() * tc * o * (1.0f - o);
      dc.array() *= f;
      dh.noalias() = dz.middleRows(t * n, n) * u.transpose();
    }
    dw.noalias() = x.transpose() * dz;
    du.noalias() = hiddens.topRows(kSteps * n).transpose() * dz;
    db = dz.colwise().sum();
  }
};

void BM_LstmHandWrittenBound(benchmark::State& state) {
  HandLstm lstm;
  for (auto _ : state) {
    lstm.pass();
    benchmark::DoNotOptimize(lstm.dw.data());
    benchmark::DoNotOptimize(lstm.du.data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LstmHandWrittenBound)->Unit(benchmark::kMillisecond);

}  // namespace
