/// @file
/// The per-parameter loop every optimiser shares, in both front-ends: each parameter that has a
/// gradient gets one update from its own state, created on first use and keyed by the parameter;
/// parameters without a gradient are skipped (PyTorch's `if p.grad is None: continue`, Keras'
/// apply_gradients over the variables that received one). The front-ends keep their names,
/// defaults and checks; the rules are in optim.h.
#pragma once

#include <unordered_map>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::optim {

/// Optimiser state per parameter (momentum buffers, moments, step counts), keyed by identity: a
/// copy of a parameter's handle finds the same state.
template <typename State>
class StateTable {
 public:
  State& of(const Tensor& parameter) { return states_[parameter.impl_ptr().get()]; }
  std::size_t size() const { return states_.size(); }

 private:
  std::unordered_map<const void*, State> states_;
};

/// Calls `update(values, gradient, state)` for every parameter with a gradient; the values are
/// changed in place, outside the graph.
template <typename State, typename Update>
void update_each(const std::vector<Tensor>& parameters, StateTable<State>& states, Update&& update) {
  for (const auto& p : parameters) {
    // Through the shared state directly: no handle copies (reference counts) per parameter.
    auto& impl = p.impl();
    if (!impl.grad) continue;
    update(impl.data, impl.grad->data, states.of(p));
  }
}

}  // namespace duet::optim
