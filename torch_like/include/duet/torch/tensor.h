/// @file
/// PyTorch's tensor-level names: torch.tensor, torch.manual_seed, torch.no_grad.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "duet/core/ops.h"
#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet::torch {

using duet::Tensor;
using NoGradGuard = duet::NoGradGuard;  ///< `with torch.no_grad():`

/// torch.tensor([[...], ...]) for a 2-D float tensor.
Tensor tensor(std::initializer_list<std::initializer_list<float>> rows);
Tensor tensor(const std::vector<std::vector<float>>& rows);

/// The process-wide generator behind default initialisers and shuffling. As in Python's
/// PyTorch it starts from a random seed; call manual_seed for repeatable runs.
Generator& default_generator();

namespace autograd {
/// torch.autograd.set_detect_anomaly(True): backward throws at the first NaN/inf gradient,
/// naming the op, so a diverging loop stops with one message instead of training on NaN.
inline void set_detect_anomaly(bool on) { duet::set_detect_anomaly(on); }
}  // namespace autograd

/// torch.manual_seed(n)
void manual_seed(std::uint64_t seed);
/// torch.initial_seed(): the seed the default generator was last seeded with.
std::uint64_t initial_seed();

}  // namespace duet::torch
