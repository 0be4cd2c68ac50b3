// Internal: the PyTorch module for each activation name the experiment format accepts, with
// PyTorch's own defaults (shared by every layer kind that takes an activation).
#pragma once

#include <memory>
#include <string>

#include "duet/compare/layer_spec.h"
#include "duet/torch/nn/module.h"

namespace duet::compare {

/// The module computing `name` ("relu", "softmax", ...), or null for "linear". Every Keras
/// activation name the parser accepts has a module here (a test checks).
std::shared_ptr<torch::nn::Module> activation_module(const std::string& name);

/// The module for the layer's "activation", honouring kAlignedLeakySlope (aligned_options.h).
std::shared_ptr<torch::nn::Module> activation_module(const LayerSpec& spec);

}  // namespace duet::compare
