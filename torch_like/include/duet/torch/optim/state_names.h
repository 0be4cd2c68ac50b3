/// @file
/// Each optimiser state's arrays and step count under the names PyTorch gives them in
/// optimizer.state_dict()["state"][i] (torch/optim/sgd.py "momentum_buffer", adam.py "exp_avg",
/// "exp_avg_sq", "max_exp_avg_sq", rmsprop.py "square_avg", "grad_avg", adagrad.py "sum"), for
/// saving and loading an optimiser.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "duet/core/optim.h"
#include "duet/core/tensor.h"

namespace duet::torch::optim {

/// Pointers into one parameter's state: its named arrays and, if it keeps one, its step count.
struct StateEntries {
  std::vector<std::pair<const char*, Tensor::Array*>> arrays;
  std::int64_t* step = nullptr;
};

inline StateEntries entries_of(duet::optim::SgdState& s) { return {{{"momentum_buffer", &s.buffer}}, nullptr}; }
inline StateEntries entries_of(duet::optim::AdamState& s) {
  return {{{"exp_avg", &s.m}, {"exp_avg_sq", &s.v}, {"max_exp_avg_sq", &s.v_max}}, &s.step};
}
inline StateEntries entries_of(duet::optim::RmspropState& s) {
  return {{{"square_avg", &s.square_avg}, {"grad_avg", &s.grad_avg}, {"momentum_buffer", &s.momentum}}, nullptr};
}
inline StateEntries entries_of(duet::optim::AdagradState& s) { return {{{"sum", &s.sum}}, &s.step}; }

}  // namespace duet::torch::optim
