#include "duet/torch/serialization.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/torch/tensor.h"

namespace duet::torch {

namespace {
constexpr const char* kKind = "torch.state_dict";
constexpr const char* kTensorKind = "torch.tensor";
// The file format stores float32 values; a tensor's dtype travels in its entry's name.
constexpr const char* kDtypeNames[] = {"float32", "int64", "bool"};
}  // namespace

void save(const StateDict& state, const std::filesystem::path& path) { tensor_file::save(path, kKind, state); }
StateDict load(const std::filesystem::path& path) { return tensor_file::load(path, kKind); }

void save(const nn::Module& module, const std::filesystem::path& path) { save(module.state_dict(), path); }
void load(nn::Module& module, const std::filesystem::path& path) { module.load_state_dict(load(path)); }

void save(const Tensor& tensor, const std::filesystem::path& path) {
  tensor_file::save(path, kTensorKind, {{dtype_name(tensor.dtype()), tensor.detach()}});
}

void load(Tensor& tensor, const std::filesystem::path& path) {
  const auto entries = tensor_file::load(path, kTensorKind);
  if (entries.size() != 1) {
    throw Error(fmt::format("torch::load: {} holds {} tensors, expected one", path.string(), entries.size()));
  }
  const auto& [name, value] = entries.front();
  for (const char* d : kDtypeNames) {
    if (name != d) continue;
    tensor = name == std::string("float32") ? value : value.to(name == std::string("int64") ? kLong : kBool);
    return;
  }
  throw Error(fmt::format("torch::load: {} names an unknown dtype '{}'", path.string(), name));
}

}  // namespace duet::torch
