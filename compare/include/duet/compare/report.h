/// @file
/// What one comparison run produced, per side, and how it is shown.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "duet/compare/experiment.h"

namespace duet::compare {

struct SideReport {
  std::vector<std::vector<float>> predictions;
  /// Per epoch: batch losses (before each batch's update, in the side's own reduction),
  /// averaged weighted by batch size, as Keras reports its epoch loss.
  std::vector<double> loss_history;
  std::vector<NamedWeights> weights;  ///< Keras layout
  double train_seconds = 0;
};

struct Report {
  std::string experiment;
  SideReport keras;
  SideReport torch;
};

/// Sees one side's weights (Keras names and layout) before training (epoch 0) and after each
/// epoch (1, 2, ...): how the HTML report draws parameter paths. Only asked for when set.
using WeightObserver = std::function<void(int epoch, const std::vector<NamedWeights>& weights)>;

/// Optional observers of a run, one per side.
struct RunHooks {
  WeightObserver keras;  ///< called by run_keras
  WeightObserver torch;  ///< called by run_torch
};

SideReport run_keras(const Experiment& e, const WeightObserver& observe = {});
SideReport run_torch(const Experiment& e, const WeightObserver& observe = {});
Report run(const Experiment& e, const RunHooks& hooks = {});

/// Output formats.
std::string to_json(const Report& r);
std::string to_csv(const Report& r);  ///< epoch,keras_loss,torch_loss
std::string to_table(const Experiment& e, const Report& r);

/// The declared final activation that PyTorch's loss takes over (softmax for cross_entropy,
/// sigmoid for bce_with_logits), or "" when none is folded.
std::string folded_activation(const Experiment& e);

/// Plain-words reasons why the two sides' numbers differ, from their configurations.
std::vector<std::string> explain_differences(const Experiment& e);

}  // namespace duet::compare
