// Pieces of the terminal table that the HTML report shows too (defined in format.cpp), so both
// say the same thing in the same words.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "duet/compare/experiment.h"

namespace duet::compare {

/// The settings rows: {what, Keras side, PyTorch side} (loss, optimizer, batches, initial
/// weights, a folded final activation).
std::vector<std::array<std::string, 3>> settings_rows(const Experiment& e);

/// First epoch whose loss is at most 1/1000 of the first epoch's, 1-based; 0 when never.
int epochs_to_converge(const std::vector<double>& history);

}  // namespace duet::compare
