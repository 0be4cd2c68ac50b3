// --seeds N: the same experiment over N seeds of each side's initialisers and shuffling.
#include <fmt/format.h>

#include <algorithm>

#include "duet/compare/analysis.h"

namespace duet::compare {

namespace {
SeedSpread::Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  return {v.front(), median, v.back()};
}
}  // namespace

SeedSpread seed_spread(const Experiment& e, int seeds) {
  std::vector<double> kp, tp, kl, tl;
  for (int i = 0; i < seeds; ++i) {
    Experiment run_e = e;
    run_e.seed = e.seed + static_cast<std::uint64_t>(i);
    const Report r = run(run_e);
    kp.push_back(r.keras.predictions.at(0).at(0));
    tp.push_back(r.torch.predictions.at(0).at(0));
    kl.push_back(r.keras.loss_history.empty() ? 0.0 : r.keras.loss_history.back());
    tl.push_back(r.torch.loss_history.empty() ? 0.0 : r.torch.loss_history.back());
  }
  return {seeds, stats(kp), stats(tp), stats(kl), stats(tl), {kp, tp, kl, tl}};
}

std::string seed_spread_text(const Experiment& e, const SeedSpread& s) {
  std::string text = fmt::format("Over {} seeds ({}..{}){}:\n", s.seeds, e.seed, e.seed + static_cast<std::uint64_t>(s.seeds) - 1,
                                 e.initial_weights ? " (initial weights are given, so seeds only change shuffling)" : "");
  text += fmt::format("  {:<28}{:>14}{:>14}{:>14}\n", "", "min", "median", "max");
  const auto row = [&](const std::string& name, const auto& st, const char* spec) {
    text += fmt::format("  {:<28}{:>14}{:>14}{:>14}\n", name, fmt::format(fmt::runtime(spec), st.min),
                        fmt::format(fmt::runtime(spec), st.median), fmt::format(fmt::runtime(spec), st.max));
  };
  struct FloatStats {
    float min, median, max;
  };
  const std::string first = fmt::format("prediction[0][0]");
  // Predictions are float32 values: shown in their shortest round-trip form (18.999998, not 19).
  row("Keras " + first, FloatStats{static_cast<float>(s.keras_prediction.min), static_cast<float>(s.keras_prediction.median),
                         static_cast<float>(s.keras_prediction.max)}, "{}");
  row("PyTorch " + first, FloatStats{static_cast<float>(s.torch_prediction.min), static_cast<float>(s.torch_prediction.median),
                           static_cast<float>(s.torch_prediction.max)}, "{}");
  row("Keras final loss", s.keras_loss, "{:.4e}");
  row("PyTorch final loss", s.torch_loss, "{:.4e}");
  return text;
}

}  // namespace duet::compare
