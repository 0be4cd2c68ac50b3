// The Keras side's loss as a function of the weights: what the HTML report draws contours of
// under both sides' parameter paths (defined in run_keras.cpp, beside the model it builds).
#pragma once

#include <vector>

#include "duet/compare/experiment.h"

namespace duet::compare {

/// Keras' training loss (its batch mean) over all of x and y with each of `points` loaded as
/// the model's weights (Keras names and layout), one value per point. The model is built once.
std::vector<double> keras_losses_at(const Experiment& e, const std::vector<std::vector<NamedWeights>>& points);

}  // namespace duet::compare
