// The core alone: dense + relu forward and backward at the MLP's shapes (batch 64, 256 -> 256).
#include <benchmark/benchmark.h>

#include "duet/core/ops.h"
#include "duet/core/random.h"

namespace {

using duet::Tensor;

void BM_CoreDenseReluForwardBackward(benchmark::State& state) {
  duet::Generator g(0);
  Tensor::Array xv(64 * 256), wv(256 * 256), bv(256);
  for (auto* a : {&xv, &wv, &bv})
    for (Eigen::Index i = 0; i < a->size(); ++i) (*a)[i] = g.uniform(-0.1f, 0.1f);
  const Tensor x = Tensor::from_array({64, 256}, xv);
  Tensor w = Tensor::from_array({256, 256}, wv).set_requires_grad(true);
  Tensor b = Tensor::from_array({256}, bv).set_requires_grad(true);
  for (auto _ : state) {
    Tensor out = sum(relu(affine(x, w, b, duet::WeightLayout::in_out)));
    w.zero_grad();
    b.zero_grad();
    out.backward();
    benchmark::DoNotOptimize(w.grad().data().data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_CoreDenseReluForwardBackward)->Unit(benchmark::kMicrosecond);

}  // namespace
