// Internal: the PyTorch side of porting, as units: each module that holds state of its own
// (parameters and buffers under local names), in depth-first order; layers match them in order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duet/torch.h"

namespace duet::compare::porting {

/// One PyTorch module with state of its own: its dotted name, its type (empty when only a
/// state_dict is known) and its entries under local names ("weight").
struct TorchUnit {
  std::string prefix;
  std::string type;
  torch::StateDict local;
};

/// The units of a module tree, depth first.
std::vector<TorchUnit> units_of(const torch::nn::Module& m);
/// A state_dict's entries grouped by module: the name up to the last '.' ("0.weight" -> "0"),
/// in order, each entry under its local name.
std::vector<TorchUnit> units_of(const torch::StateDict& state);
/// The modules of a tree that hold state of their own, depth first (what units_of describes);
/// owned by `root`.
std::vector<torch::nn::Module*> stateful_modules(torch::nn::Module& root);

}  // namespace duet::compare::porting
