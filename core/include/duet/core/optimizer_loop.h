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
  StateTable() = default;
  /// Copies the states; the copy starts its own memo of the step's order.
  StateTable(const StateTable& other) : states_(other.states_) {}
  StateTable& operator=(const StateTable& other) {
    if (this != &other) {
      states_ = other.states_;
      order_.clear();
    }
    return *this;
  }
  ~StateTable() = default;

  State& of(const Tensor& parameter) { return states_[parameter.impl_ptr().get()]; }
  std::size_t size() const { return states_.size(); }

  /// Starts a step: the lookups of next_of() are expected in the order of the previous step.
  void rewind() noexcept { next_ = 0; }
  /// The state of the step's next parameter. A step visits the parameters in the same order
  /// every time, so this compares one pointer instead of hashing (the memo is rebuilt from the
  /// map whenever the order differs; the map's values never move).
  State& next_of(const Tensor& parameter) {
    const void* key = parameter.impl_ptr().get();
    if (next_ < order_.size() && order_[next_].first == key) return *order_[next_++].second;
    State& state = of(parameter);
    order_.resize(next_);
    order_.emplace_back(key, &state);
    ++next_;
    return state;
  }

 private:
  std::unordered_map<const void*, State> states_;
  std::vector<std::pair<const void*, State*>> order_;  // the last step's lookups, in order
  std::size_t next_ = 0;
};

/// Calls `update(values, gradient, state)` for every parameter with a gradient; the values are
/// changed in place, outside the graph.
template <typename State, typename Update>
void update_each(const std::vector<Tensor>& parameters, StateTable<State>& states, Update&& update) {
  states.rewind();
  for (const auto& p : parameters) {
    // Through the shared state directly: no handle copies (reference counts) per parameter.
    auto& impl = p.impl();
    if (!impl.grad) continue;
    update(impl.data, impl.grad->data, states.next_of(p));
  }
}

}  // namespace duet::optim
