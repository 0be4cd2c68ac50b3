/// @file
/// duet-compare --report: one self-contained HTML page per comparison (inline CSS and SVG, no
/// script, no network), with the settings, loss curves, parameter paths or per-layer weight
/// change, the --explain ablation, the --seeds spread, and the predictions and weights.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "duet/compare/analysis.h"
#include "duet/compare/experiment.h"
#include "duet/compare/report.h"

namespace duet::compare {

/// What the report draws of training beyond the loss, recorded during run() through the
/// observers hooks() returns: per epoch, each layer's weight change and, for a model with
/// exactly two parameters (the article's w and b), the two values.
class TrainingTrace {
 public:
  /// One side's record; index 0 is before training, index e after epoch e.
  struct Side {
    /// [epoch][layer]: ||W_t - W_0|| / ||W_0|| over all of the layer's weights (the absolute
    /// change for a layer that starts at zero); empty for a layer without weights.
    std::vector<std::vector<double>> layer_change;
    /// [epoch]: the two parameters, when the model has exactly two; empty otherwise.
    std::vector<std::array<double, 2>> path;
  };

  /// Observers for run() that fill this trace; the trace must outlive that run.
  RunHooks hooks();
  const Side& keras() const { return keras_; }  ///< the Keras-style side's record
  const Side& torch() const { return torch_; }  ///< the PyTorch-style side's record

 private:
  static void record(Side& side, std::vector<NamedWeights>& start, const std::vector<NamedWeights>& now);
  Side keras_, torch_;
  std::vector<NamedWeights> keras_start_, torch_start_;
};

/// The report page for `r`, a run of `e` whose weights `trace` recorded; the ablation and the
/// seed spread are shown when given. Every user-provided string is escaped.
std::string html_report(const Experiment& e, const Report& r, const TrainingTrace& trace,
                        const std::optional<Ablation>& ablation, const std::optional<SeedSpread>& spread);

/// Throws duet::Error when `path` cannot take a report: an existing folder, device or other
/// non-regular file, or a missing parent folder. Checked before any training, so a mistyped
/// path fails at once; the write itself is atomic (duet::file_io::write_file_atomically).
void check_report_path(const std::string& path);

}  // namespace duet::compare
