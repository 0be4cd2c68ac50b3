#include "duet/torch/serialization.h"

namespace duet::torch {

namespace {
constexpr const char* kKind = "torch.state_dict";
}

void save(const StateDict& state, const std::filesystem::path& path) { tensor_file::save(path, kKind, state); }
StateDict load(const std::filesystem::path& path) { return tensor_file::load(path, kKind); }

}  // namespace duet::torch
