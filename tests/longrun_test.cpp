// 100,000 training steps of a small MLP through each front-end with a flat memory footprint:
// nothing of a step (graph nodes, gradients, optimiser state) may outlive it or pile up.
// Under the sanitizers LeakSanitizer checks for leaks at exit; the resident-size check runs in
// normal builds only (ASan's quarantine keeps freed memory resident on purpose).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "duet/keras.h"
#include "duet/torch.h"

namespace duet {
namespace {

constexpr int kSteps = 100000;
constexpr int kWarmup = 10000;

// Resident memory in KiB, from /proc/self/statm.
long resident_kib() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void expect_flat(long after_warmup, long at_end) {
#ifndef DUET_SANITIZED
  // A leak of even one small tensor per step (~100 bytes) over 90,000 steps would be ~9 MB.
  EXPECT_LT(at_end - after_warmup, 1024) << "resident memory grew by " << (at_end - after_warmup) << " KiB";
#else
  (void)after_warmup;
  (void)at_end;
#endif
}

TEST(LongRun, TorchLoopKeepsAFlatFootprint) {
  namespace nn = torch::nn;
  torch::manual_seed(0);
  nn::Sequential model(nn::Linear(2, 8), nn::Tanh(), nn::Linear(8, 1));
  nn::MSELoss criterion;
  torch::optim::Adam optimizer(model->parameters(), {.lr = 1e-3f});
  const Tensor x = torch::tensor({{0.1f, 0.2f}, {-0.3f, 0.5f}, {0.9f, -0.4f}, {0.0f, 1.0f}});
  const Tensor y = torch::tensor({{0.3f}, {0.2f}, {0.5f}, {1.0f}});
  long after_warmup = 0;
  for (int step = 0; step < kSteps; ++step) {
    Tensor loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step + 1 == kWarmup) after_warmup = resident_kib();
  }
  expect_flat(after_warmup, resident_kib());
  for (const auto& p : model->parameters()) {
    // Linear's field, the module's registry, the optimiser's group and its zero_grad list, and
    // the copy returned by parameters(): no graph node of any step still holds it.
    EXPECT_EQ(p.impl_ptr().use_count(), 5);
  }
}

TEST(LongRun, KerasFitKeepsAFlatFootprint) {
  keras::utils::set_random_seed(0);
  keras::Sequential model({keras::layers::Dense(8, {.activation = "tanh", .input_shape = {2}}), keras::layers::Dense(1)});
  model.compile("adam", "mse");
  const Tensor x = Tensor::from_rows({{0.1f, 0.2f}, {-0.3f, 0.5f}, {0.9f, -0.4f}, {0.0f, 1.0f}});
  const Tensor y = Tensor::from_rows({{0.3f}, {0.2f}, {0.5f}, {1.0f}});
  // batch_size 1 -> 4 steps per epoch.
  model.fit(x, y, {.epochs = kWarmup / 4, .batch_size = 1, .verbose = 0});
  const long after_warmup = resident_kib();
  model.fit(x, y, {.epochs = (kSteps - kWarmup) / 4, .batch_size = 1, .verbose = 0});
  expect_flat(after_warmup, resident_kib());
}

}  // namespace
}  // namespace duet
