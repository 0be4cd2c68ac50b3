// Optimiser checkpoints through the module state_dict file functions.
#include "duet/torch/optim/serialize.h"

#include "duet/torch/serialization.h"

namespace duet::torch {

void save(const optim::Optimizer& optimizer, const std::filesystem::path& path) { save(optimizer.state_dict(), path); }

void load(optim::Optimizer& optimizer, const std::filesystem::path& path) { optimizer.load_state_dict(load(path)); }

}  // namespace duet::torch
