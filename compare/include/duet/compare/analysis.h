/// @file
/// Deeper answers to "why do the numbers differ?": re-running the experiment with one difference
/// removed at a time (--explain), repeating it over seeds (--seeds), and plotting the losses.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "duet/compare/experiment.h"
#include "duet/compare/report.h"

namespace duet::compare {

/// The largest |a[i] - b[i]| of two equally long rows of values (0 for empty rows): the one
/// measure of a gap between two sets of predictions.
double largest_difference(std::span<const float> a, std::span<const float> b);

/// The largest |torch - keras| over all predictions of a report.
double prediction_gap(const Report& r);

struct AblationRow {
  std::string removed;     ///< "same loss reduction", ...
  double gap = 0;          ///< prediction gap with only this difference removed
  double cumulative = 0;   ///< with this and every row above it removed (rows sorted by effect)
};

struct Ablation {
  double baseline_gap = 0;
  std::vector<AblationRow> single;  ///< one difference removed at a time
  double all_removed_gap = 0;       ///< every difference removed at once
  double float32_scale = 1;         ///< max(1, |prediction|): what float32 rounding is relative to
};

/// Runs the experiment as configured, then once per difference with just that one aligned
/// (the PyTorch side takes the Keras side's setting), then with all of them aligned.
Ablation ablate(const Experiment& e, const Report& baseline);
std::string ablation_text(const Ablation& a);
/// The closing sentence of ablation_text(): whether the gap is float32 rounding, explained by the
/// listed differences, or left to the frameworks' own rules.
std::string ablation_verdict(const Ablation& a);

struct SeedSpread {
  int seeds = 0;
  /// Per side: the first prediction value and the final loss, min / median / max over seeds.
  struct Stats {
    double min = 0, median = 0, max = 0;
  };
  Stats keras_prediction, torch_prediction, keras_loss, torch_loss;
  /// The same values per seed, in seed order (index 0 is the experiment's own seed: the default run).
  struct Samples {
    std::vector<double> keras_prediction, torch_prediction, keras_loss, torch_loss;
  };
  Samples samples;
};

SeedSpread seed_spread(const Experiment& e, int seeds);
std::string seed_spread_text(const Experiment& e, const SeedSpread& s);

/// The most training one duet-compare invocation may do, over both sides and every run
/// (--seeds N runs N times, --explain up to a dozen): optimizer steps, and samples times
/// parameters seen. Either takes about kMaxTrainingTime on one core.
inline constexpr double kMaxTrainingSteps = 1e9;
inline constexpr double kMaxTrainingWork = 1e13;  ///< epochs x rows x parameters x runs x 2 sides
inline constexpr const char* kMaxTrainingTime = "half an hour";  ///< what either limit takes, for messages

/// Throws duet::Error when `runs` comparisons of `e` would exceed kMaxTrainingSteps or
/// kMaxTrainingWork, naming the limit and the value, before any training starts.
void check_total_work(const Experiment& e, int runs);

/// Both loss curves as a standalone SVG (log-scale loss axis, labelled axes, legend).
std::string loss_plot_svg(const Report& r);

/// The Keras side's default initial weights for `e` (glorot_uniform / zeros drawn from e.seed),
/// in the experiment's layout.
std::vector<NamedWeights> keras_default_weights(const Experiment& e);

}  // namespace duet::compare
