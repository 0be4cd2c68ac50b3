// PyTorch's tensor-level names: torch.tensor, torch.manual_seed, torch.no_grad.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "duet/core/ops.h"
#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet::torch {

using duet::Tensor;
using NoGradGuard = duet::NoGradGuard;  // `with torch.no_grad():`

// torch.tensor([[...], ...]) for a 2-D float tensor.
Tensor tensor(std::initializer_list<std::initializer_list<float>> rows);
Tensor tensor(const std::vector<std::vector<float>>& rows);

// The process-wide generator behind default initialisers and DataLoader shuffling. Like
// PyTorch it starts from a fixed seed (67280421310721), so unseeded programs repeat too.
Generator& default_generator();
// torch.manual_seed(n)
void manual_seed(std::uint64_t seed);

}  // namespace duet::torch
