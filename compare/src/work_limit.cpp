// A bound on the training one duet-compare invocation does, checked before it starts: a typo
// ("epochs": 1000000 with --seeds 1000) must give an error at once, not hours of silence.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "duet/compare/analysis.h"
#include "layers/layer_kind.h"
#include "duet/core/error.h"

namespace duet::compare {

void check_total_work(const Experiment& e, int runs) {
  const auto rows = static_cast<double>(e.x.shape()[0]);
  double parameters = 0;  // multiply-adds per sample, in fact: a convolution's weights act at every position
  walk_layers(sample_shape(e.x), e.layers, false,
              [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
                parameters += kind.work_per_sample(spec, ctx);
              });
  const auto batches = [&](int batch_size) { return std::ceil(rows / std::min<double>(batch_size, rows)); };
  const double epochs_total = static_cast<double>(e.epochs) * runs;
  const double steps = epochs_total * (batches(e.keras_batch_size()) + batches(e.torch_batch_size()));
  const double work = epochs_total * 2 * rows * parameters;
  const std::string what = fmt::format("{} epochs x {} run{}", e.epochs, runs, runs == 1 ? "" : "s");
  if (steps > kMaxTrainingSteps) {
    throw Error(fmt::format("this would take {:.3g} training steps ({}, both sides), more than the {:.0e} allowed "
                            "(about {}); lower epochs or --seeds, or raise the batch size",
                            steps, what, kMaxTrainingSteps, kMaxTrainingTime));
  }
  if (work > kMaxTrainingWork) {
    throw Error(fmt::format("this would take {:.3g} parameter updates per sample ({} x {} rows x {} parameters, both "
                            "sides), more than the {:.0e} allowed (about {}); lower epochs, --seeds or the model size",
                            work, what, e.x.shape()[0], parameters, kMaxTrainingWork, kMaxTrainingTime));
  }
}

}  // namespace duet::compare
