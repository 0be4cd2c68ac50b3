// What the HTML report asks of the Keras side's model beyond a run (defined in run_keras.cpp,
// beside the model it builds): its loss as a function of the weights, drawn as contours under
// both sides' parameter paths, and its summary() as Keras prints it.
#pragma once

#include <string>
#include <vector>

#include "duet/compare/experiment.h"

namespace duet::compare {

/// Keras' training loss (its batch mean) over all of x and y with each of `points` loaded as
/// the model's weights (Keras names and layout), one value per point. The model is built once.
std::vector<double> keras_losses_at(const Experiment& e, const std::vector<std::vector<NamedWeights>>& points);

/// The Keras side's predictions on `e.predict` with each of `points` loaded as the model's
/// weights (Keras names and layout), without training: what the model computes from given
/// starting points, one tensor per point. The model is built once.
std::vector<Tensor> keras_predictions_at(const Experiment& e, const std::vector<std::vector<NamedWeights>>& points);

/// model.summary() of the Keras side's model, in the console look set with
/// keras::config::set_console_look().
std::string keras_summary_text(const Experiment& e);

}  // namespace duet::compare
