// A small CNN on the 8x8 digits (1,500 training images, batch 32, SGD): Conv 3x3x16 (padding 1),
// relu, max pool 2, Conv 3x3x32 (padding 1), relu, max pool 2, Dense 10, softmax cross-entropy.
// One epoch through each front-end (Keras: NHWC, softmax + sparse cross-entropy), and the same
// epoch written by hand as the bound:
// im2col + one Eigen GEMM per convolution, forward, backward and update, buffers reused, no
// autograd (libtorch's version is in libtorch_bench.cpp).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <algorithm>
#include <limits>

#include "duet/core/datasets.h"
#include "duet/keras.h"
#include "duet/torch.h"

namespace {

using duet::Tensor;
constexpr std::int64_t kTrain = 1500, kBatch = 32;

struct Digits {
  Tensor x;  // [N, 1, 8, 8] in 0..1 (NCHW; a one-channel image is the same in NHWC)
  Tensor y;  // [N] int64
};
const Digits& digits() {
  static const Digits d = [] {
    const auto [x, y] = duet::datasets::digits(DUET_DIGITS_CSV);
    return Digits{(x.narrow(0, 0, kTrain) / 16.0).reshape({kTrain, 1, 8, 8}),
                  y.narrow(0, 0, kTrain).reshape({kTrain}).to(duet::torch::kLong)};
  }();
  return d;
}

void BM_CnnTorchSgdEpoch(benchmark::State& state) {
  namespace nn = duet::torch::nn;
  duet::torch::manual_seed(0);
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding(1)), nn::ReLU(),
                       nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding(1)),
                       nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Flatten(), nn::Linear(128, 10));
  nn::CrossEntropyLoss criterion;
  duet::torch::optim::SGD optimizer(model->parameters(), {.lr = 0.05f});
  const duet::torch::utils::data::DataLoader loader({digits().x, digits().y}, {.batch_size = kBatch});
  for (auto _ : state) {
    for (const auto& [xb, yb] : loader) {
      Tensor loss = criterion(model(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  state.SetItemsProcessed(state.iterations() * kTrain);
}
BENCHMARK(BM_CnnTorchSgdEpoch)->Unit(benchmark::kMillisecond);

void BM_CnnKerasSgdEpoch(benchmark::State& state) {
  namespace keras = duet::keras;
  keras::utils::set_random_seed(0);
  static const Tensor x_nhwc = digits().x.reshape({kTrain, 8, 8, 1});  // one channel: NCHW = NHWC values
  static const Tensor labels = digits().y.to(duet::DType::float32).reshape({kTrain, 1});
  keras::Sequential model({keras::layers::Input({8, 8, 1}),
                           keras::layers::Conv2D(16, 3, {.padding = "same", .activation = "relu"}),
                           keras::layers::MaxPooling2D(),
                           keras::layers::Conv2D(32, 3, {.padding = "same", .activation = "relu"}),
                           keras::layers::MaxPooling2D(), keras::layers::Flatten(),
                           keras::layers::Dense(10, {.activation = "softmax"})});
  model.compile(keras::optimizers::SGD({.learning_rate = 0.05f}), "sparse_categorical_crossentropy");
  for (auto _ : state) {
    auto h = model.fit(x_nhwc, labels, {.epochs = 1, .batch_size = kBatch, .shuffle = false, .verbose = 0});
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations() * kTrain);
}
BENCHMARK(BM_CnnKerasSgdEpoch)->Unit(benchmark::kMillisecond);

// ---- the hand-written bound (NHWC, HWIO kernels) ----
using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Row = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// 3x3, stride 1, padding 1 patches of x [B, S, S, C] -> cols [B S S, 9 C].
void im2col3(const float* x, Mat& cols, std::int64_t b, std::int64_t s, std::int64_t c) {
  cols.resize(b * s * s, 9 * c);
  for (std::int64_t n = 0; n < b; ++n)
    for (std::int64_t i = 0; i < s; ++i)
      for (std::int64_t j = 0; j < s; ++j) {
        float* row = cols.data() + ((n * s + i) * s + j) * 9 * c;
        for (std::int64_t a = 0; a < 3; ++a)
          for (std::int64_t q = 0; q < 3; ++q, row += c) {
            const std::int64_t r = i + a - 1, t = j + q - 1;
            if (r < 0 || r >= s || t < 0 || t >= s) std::fill(row, row + c, 0.0f);
            else std::copy_n(x + ((n * s + r) * s + t) * c, c, row);
          }
      }
}
void col2im3(const Mat& dcols, float* dx, std::int64_t b, std::int64_t s, std::int64_t c) {
  std::fill(dx, dx + b * s * s * c, 0.0f);
  for (std::int64_t n = 0; n < b; ++n)
    for (std::int64_t i = 0; i < s; ++i)
      for (std::int64_t j = 0; j < s; ++j) {
        const float* row = dcols.data() + ((n * s + i) * s + j) * 9 * c;
        for (std::int64_t a = 0; a < 3; ++a)
          for (std::int64_t q = 0; q < 3; ++q, row += c) {
            const std::int64_t r = i + a - 1, t = j + q - 1;
            if (r < 0 || r >= s || t < 0 || t >= s) continue;
            float* d = dx + ((n * s + r) * s + t) * c;
            for (std::int64_t k = 0; k < c; ++k) d[k] += row[k];
          }
      }
}
// 2x2 max pool of relu'd y [B, S, S, C] -> out [B, S/2, S/2, C], remembering the winners.
void pool2(const Mat& y, Mat& out, std::vector<std::int64_t>& arg, std::int64_t b, std::int64_t s, std::int64_t c) {
  const std::int64_t h = s / 2;
  out.resize(b * h * h, c);
  arg.resize(static_cast<std::size_t>(b * h * h * c));
  for (std::int64_t n = 0; n < b; ++n)
    for (std::int64_t i = 0; i < h; ++i)
      for (std::int64_t j = 0; j < h; ++j)
        for (std::int64_t k = 0; k < c; ++k) {
          float best = -std::numeric_limits<float>::infinity();
          std::int64_t at = 0;
          for (std::int64_t a = 0; a < 2; ++a)
            for (std::int64_t q = 0; q < 2; ++q) {
              const std::int64_t p = ((n * s + 2 * i + a) * s + 2 * j + q) * c + k;
              if (y.data()[p] > best) best = y.data()[p], at = p;
            }
          const std::int64_t o = ((n * h + i) * h + j) * c + k;
          out.data()[o] = best;
          arg[static_cast<std::size_t>(o)] = at;
        }
}

void BM_CnnHandWrittenIm2colGemmSgdEpoch(benchmark::State& state) {
  duet::Generator g(0);
  const auto init = [&](std::int64_t r, std::int64_t c, float bound) {
    Mat m(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = g.uniform(-bound, bound);
    return m;
  };
  Mat w1 = init(9, 16, 1.0f / 3), w2 = init(144, 32, 1.0f / 12), w3 = init(128, 10, 0.09f);
  Row b1 = Row::Zero(16), b2 = Row::Zero(32), b3 = Row::Zero(10);
  Mat cols1, y1, p1, cols2, y2, p2, logits, dp2, dy2, dcols2, dp1, dy1;
  std::vector<std::int64_t> arg1, arg2;
  const float lr = 0.05f;
  const auto& xs = digits().x.data();
  const auto& ys = digits().y.data();
  for (auto _ : state) {
    for (std::int64_t start = 0; start < kTrain; start += kBatch) {
      const std::int64_t b = std::min(kBatch, kTrain - start);
      // forward
      im2col3(xs.data() + start * 64, cols1, b, 8, 1);
      y1.noalias() = cols1 * w1;
      y1.rowwise() += b1;
      y1 = y1.cwiseMax(0.0f);
      pool2(y1, p1, arg1, b, 8, 16);
      im2col3(p1.data(), cols2, b, 4, 16);
      y2.noalias() = cols2 * w2;
      y2.rowwise() += b2;
      y2 = y2.cwiseMax(0.0f);
      pool2(y2, p2, arg2, b, 4, 32);
      const auto flat = Eigen::Map<const Mat>(p2.data(), b, 128);
      logits.noalias() = flat * w3;
      logits.rowwise() += b3;
      // softmax cross-entropy gradient: (softmax - onehot) / b
      for (std::int64_t n = 0; n < b; ++n) {
        auto r = logits.row(n);
        r = (r.array() - r.maxCoeff()).exp().matrix();
        r /= r.sum();
        r(static_cast<Eigen::Index>(ys[start + n])) -= 1.0f;
      }
      logits /= static_cast<float>(b);
      // backward
      dp2.noalias() = logits * w3.transpose();
      w3.noalias() -= lr * (flat.transpose() * logits);
      b3 -= lr * logits.colwise().sum();
      dy2.setZero(y2.rows(), y2.cols());
      for (std::size_t o = 0; o < arg2.size(); ++o)
        if (y2.data()[arg2[o]] > 0) dy2.data()[arg2[o]] += dp2.data()[o];
      dcols2.noalias() = dy2 * w2.transpose();
      w2.noalias() -= lr * (cols2.transpose() * dy2);
      b2 -= lr * dy2.colwise().sum();
      dp1.resize(p1.rows(), p1.cols());
      col2im3(dcols2, dp1.data(), b, 4, 16);
      dy1.setZero(y1.rows(), y1.cols());
      for (std::size_t o = 0; o < arg1.size(); ++o)
        if (y1.data()[arg1[o]] > 0) dy1.data()[arg1[o]] += dp1.data()[o];
      w1.noalias() -= lr * (cols1.transpose() * dy1);
      b1 -= lr * dy1.colwise().sum();
      benchmark::DoNotOptimize(w1.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kTrain);
}
BENCHMARK(BM_CnnHandWrittenIm2colGemmSgdEpoch)->Unit(benchmark::kMillisecond);

}  // namespace
