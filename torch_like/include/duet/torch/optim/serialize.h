/// @file
/// torch::save(optimizer, path) / torch::load(optimizer, path), as the dcgan example checkpoints
/// its Adam optimisers: the optimiser's state_dict() (momentum buffers, moments, step counts,
/// each group's lr) in the same file format as a module's, restored into an optimiser of the same
/// kind over parameters of the same sizes.
#pragma once

#include <filesystem>

#include "duet/torch/optim/optimizer.h"

namespace duet::torch {

/// Writes optimizer.state_dict() to `path`.
void save(const optim::Optimizer& optimizer, const std::filesystem::path& path);
/// Reads a state_dict from `path` into `optimizer` (checked first; a mismatch changes nothing).
void load(optim::Optimizer& optimizer, const std::filesystem::path& path);

}  // namespace duet::torch
