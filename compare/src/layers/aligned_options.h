// Internal: the torch options --explain (ablation.cpp) sets on a layer to give the PyTorch side
// Keras' rule where PyTorch has no setting for it, so that the difference can be measured by
// removing it. Experiment files never carry them (the parser accepts only the kinds' options).
#pragma once

namespace duet::compare {

/// A number: leaky_relu's negative slope (Keras' 0.2 instead of PyTorch's 0.01).
inline constexpr const char* kAlignedLeakySlope = "aligned_negative_slope";
/// A flag: batch_norm averages the biased batch variance into running_var, as Keras does.
inline constexpr const char* kAlignedBiasedRunningVariance = "aligned_biased_running_variance";

}  // namespace duet::compare
