// The allocation guard (issue 22): heap allocations per training step of the article's model
// (Linear 1 -> 1, six rows, SGD, squared error), counted, not timed. Each step of a tiny model
// costs about as much per allocation as per flop, so a change that adds one per op shows here
// long before a benchmark notices. The limits are the counts reached when the guard was written;
// lower them when an optimisation removes allocations, never raise them without a reason.
//
// This executable alone replaces the global operator new (a counter in front of malloc) and, on
// glibc, malloc itself (Eigen allocates the values with malloc, not operator new). Under
// AddressSanitizer the per-thread block cache is off (small_pool.h) and ASan owns malloc, so the
// counts measure something else: the tests skip there.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "duet/keras.h"
#include "duet/torch.h"

#if defined(__SANITIZE_ADDRESS__)
#define DUET_GUARD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DUET_GUARD_SANITIZED 1
#endif
#endif

// GCC inlines the replacement delete into library code and then mistakes its free() for a
// mismatch with operator new; the pair below is matched (new mallocs, delete frees).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<long> g_new_calls{0};
std::atomic<long> g_malloc_calls{0};
}  // namespace

void* operator new(std::size_t bytes) {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

#if defined(__GLIBC__) && !defined(DUET_GUARD_SANITIZED)
#define DUET_GUARD_COUNTS_MALLOC 1
// glibc's own entry point; free, calloc and realloc stay glibc's, which is the same heap.
extern "C" void* __libc_malloc(std::size_t bytes);
extern "C" void* malloc(std::size_t bytes) noexcept {
  g_malloc_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(bytes);
}
#endif

namespace {

using duet::Tensor;

struct Counts {
  long news = 0;
  long mallocs = 0;  // every heap block: operator new's go through malloc too
};

// The allocations made by `work`.
template <typename Work>
Counts count(Work&& work) {
  const long n0 = g_new_calls.load(), m0 = g_malloc_calls.load();
  work();
  return {g_new_calls.load() - n0, g_malloc_calls.load() - m0};
}

#ifdef DUET_GUARD_SANITIZED
#define DUET_SKIP_IF_SANITIZED() GTEST_SKIP() << "AddressSanitizer: the block cache is off and ASan owns malloc"
#else
#define DUET_SKIP_IF_SANITIZED() (void)0
#endif

const Tensor& article_x() {
  static const Tensor x = Tensor::from_rows({{-1}, {0}, {1}, {2}, {3}, {4}});
  return x;
}
const Tensor& article_y() {
  static const Tensor y = Tensor::from_rows({{-3}, {-1}, {1}, {3}, {5}, {7}});
  return y;
}

constexpr int kSteps = 50;

// The limits, per step (per call for fit): the counts reached by issue 22's changes (GCC 12,
// glibc 2.36). operator new: the tensors, nodes and input lists come from the block cache once
// warm. malloc: Eigen's values and gradients come from the per-thread value cache
// (core/src/value_cache.h) once warm, so a step reaches the heap not at all.
// Before them: 6 news + 5 mallocs per torch step, 10 news per Keras epoch, 23 news per fit call;
// then 0 news + 3 mallocs per step and 9 news + 12 mallocs per fit call before the value cache
// and fit's inline running means.
constexpr long kTorchStepNews = 0, kTorchStepMallocs = 0;
constexpr long kKerasEpochNews = 0, kKerasEpochMallocs = 0;
constexpr long kKerasFitCallNews = 6, kKerasFitCallMallocs = 6;

// The counters see what they must, or every other test here would pass by counting nothing.
TEST(AllocationGuard, CountersSeeOperatorNewAndEigen) {
  DUET_SKIP_IF_SANITIZED();
  static int* volatile kept;  // volatile: the compiler may not drop the pair below
  const Counts c = count([] {
    kept = new int(3);
    delete kept;
  });
  EXPECT_EQ(c.news, 1);
#ifdef DUET_GUARD_COUNTS_MALLOC
  const Counts e = count([] {
    Eigen::ArrayXf a = Eigen::ArrayXf::Constant(100, 1.0f);
    EXPECT_EQ(a.sum(), 100.0f);
  });
  EXPECT_EQ(e.news, 0);
  EXPECT_EQ(e.mallocs, 1);
#endif
}

// Allocations per article training step, torch_like loop: criterion(model(x), y), zero_grad,
// backward, step. Two ops (dense, squared error): each makes its values, its tensor and its node,
// and backward the dense output's gradient, all from the per-thread caches once warm.
TEST(AllocationGuard, TorchArticleStep) {
  DUET_SKIP_IF_SANITIZED();
  namespace torch = duet::torch;
  torch::nn::Linear model(1, 1);
  torch::nn::MSELoss criterion("sum");
  torch::optim::SGD optimizer(model->parameters(), {.lr = 0.01f});
  auto step = [&] {
    Tensor loss = criterion(model(article_x()), article_y());
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  };
  for (int i = 0; i < 3; ++i) step();  // warm: gradients, optimiser state, the block cache
  const Counts c = count([&] {
    for (int i = 0; i < kSteps; ++i) step();
  });
  EXPECT_LE(c.news, kSteps * kTorchStepNews) << c.news / kSteps << " per step";
#ifdef DUET_GUARD_COUNTS_MALLOC
  EXPECT_LE(c.mallocs, kSteps * kTorchStepMallocs) << c.mallocs / kSteps << " per step";
#endif
  // ... and the steps trained: the article's line is y = 2x - 1.
  for (int i = 0; i < 2000; ++i) step();
  EXPECT_NEAR(model->weight.item(), 2.0f, 1e-3f);
  EXPECT_NEAR(model->bias.item(), -1.0f, 1e-3f);
}

// Keras: the cost of one more epoch inside fit (in order, verbose 0), i.e. one training step.
TEST(AllocationGuard, KerasArticleEpochInsideFit) {
  DUET_SKIP_IF_SANITIZED();
  namespace keras = duet::keras;
  keras::Sequential model({keras::layers::Dense(1, {.input_shape = {1}})});
  model.compile(keras::optimizers::SGD({.learning_rate = 0.01f}), "mean_squared_error");
  auto fit = [&](int epochs) { return model.fit(article_x(), article_y(), {.epochs = epochs, .shuffle = false, .verbose = 0}); };
  fit(3);
  const Counts few = count([&] { fit(10); });
  const Counts many = count([&] { fit(10 + kSteps); });
  const long news = many.news - few.news;
  [[maybe_unused]] const long mallocs = many.mallocs - few.mallocs;  // counted on glibc without ASan only
  EXPECT_LE(news, kSteps * kKerasEpochNews) << news / kSteps << " per epoch";
#ifdef DUET_GUARD_COUNTS_MALLOC
  EXPECT_LE(mallocs, kSteps * kKerasEpochMallocs) << mallocs / kSteps << " per epoch";
#endif
  const auto h = fit(2000);
  EXPECT_LT(h.history.at("loss").back(), 1e-6);
}

// Keras: one whole fit(epochs=1) call, its per-call set-up (checks, History, logs) included.
TEST(AllocationGuard, KerasArticleFitCall) {
  DUET_SKIP_IF_SANITIZED();
  namespace keras = duet::keras;
  keras::Sequential model({keras::layers::Dense(1, {.input_shape = {1}})});
  model.compile("sgd", "mean_squared_error");
  auto fit = [&] { return model.fit(article_x(), article_y(), {.epochs = 1, .shuffle = false, .verbose = 0}); };
  for (int i = 0; i < 3; ++i) fit();
  const Counts c = count([&] {
    for (int i = 0; i < kSteps; ++i) fit();
  });
  EXPECT_LE(c.news, kSteps * kKerasFitCallNews) << c.news / kSteps << " per call";
#ifdef DUET_GUARD_COUNTS_MALLOC
  EXPECT_LE(c.mallocs, kSteps * kKerasFitCallMallocs) << c.mallocs / kSteps << " per call";
#endif
}

}  // namespace
