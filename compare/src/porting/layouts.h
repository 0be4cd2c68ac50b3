// The registry of per-layer-kind weight layouts behind porting.h, and the built-in ones.
#pragma once

#include "duet/compare/porting.h"

namespace duet::compare::porting {

/// The layout for a Keras class, or null.
const WeightLayout* find_layout(const std::string& keras_class);
/// Every registered Keras class, for error messages.
std::string known_classes();

/// A state_dict's entries grouped by module: the name up to the last '.' ("0.weight" -> "0"),
/// in order, each entry under its local name ("weight").
struct ModuleEntries {
  std::string prefix;
  torch::StateDict local;
};
std::vector<ModuleEntries> group_by_module(const torch::StateDict& state);

/// Built-in layouts, one function per layer family (dense_layout.cpp, ...).
WeightLayout dense_layout();

}  // namespace duet::compare::porting
