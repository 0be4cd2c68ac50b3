// torch::save / torch::load: PyTorch's zip checkpoints (checkpoint/), and Duet's earlier
// DUETTNSR files for reading.
#include "duet/torch/serialization.h"

#include <fmt/format.h>

#include "checkpoint/state_dict_file.h"
#include "duet/core/error.h"
#include "duet/core/file_io.h"
#include "duet/torch/tensor.h"

namespace duet::torch {

namespace {

constexpr const char* kLegacyKind = "torch.state_dict";
constexpr const char* kLegacyTensorKind = "torch.tensor";
constexpr const char* kLegacyDtypeNames[] = {"float32", "int64", "bool"};

bool starts_with(const std::string& bytes, std::string_view magic) { return bytes.starts_with(magic); }

std::string read_checkpoint_file(const std::filesystem::path& path) {
  return file_io::read_regular_file(path, tensor_file::kMaxFileBytes, "checkpoint file");
}

// Which reader a file needs, by its first bytes.
enum class Format { zip, legacy_duet };
Format format_of(const std::string& bytes, const std::string& source) {
  if (starts_with(bytes, "PK\x03\x04")) return Format::zip;
  if (starts_with(bytes, "DUETTNSR")) return Format::legacy_duet;
  if (starts_with(bytes, "\x80\x02")) {
    throw Error(fmt::format("{}: a PyTorch checkpoint in the format before 1.6 (a bare pickle); re-save it with "
                            "torch.save in PyTorch >= 1.6, which writes the zip format Duet reads",
                            source));
  }
  if (starts_with(bytes, "PK")) {
    throw Error(fmt::format("{}: the zip archive does not start with a file entry (truncated or not torch.save's)",
                            source));
  }
  throw Error(fmt::format("{}: not a PyTorch checkpoint (torch.save's zip archive) nor a Duet tensor file", source));
}

std::string archive_name(const std::filesystem::path& path) {
  // torch.save names the archive's folder after the file, without its extension.
  const std::string stem = path.stem().string();
  return stem.empty() ? "archive" : stem;
}

}  // namespace

StateDict load_state_dict_bytes(const std::string& bytes, const std::string& source) {
  if (format_of(bytes, source) == Format::legacy_duet) return tensor_file::decode(bytes, kLegacyKind, source);
  auto checkpoint = checkpoint::read_checkpoint(bytes, source);
  if (checkpoint.tensor) {
    throw Error(fmt::format("{}: holds one tensor, not a state_dict (load it with torch::load(tensor, path))", source));
  }
  return std::move(checkpoint.state);
}

std::string save_state_dict_bytes(const StateDict& state, const std::string& archive_name) {
  return checkpoint::write_checkpoint(state, false, archive_name);
}

void save(const StateDict& state, const std::filesystem::path& path) {
  file_io::write_file_atomically(path, checkpoint::write_checkpoint(state, false, archive_name(path)));
}

StateDict load(const std::filesystem::path& path) { return load_state_dict_bytes(read_checkpoint_file(path), path.string()); }

void save(const nn::Module& module, const std::filesystem::path& path) { save(module.state_dict(), path); }
void load(nn::Module& module, const std::filesystem::path& path) {
  const auto state = load(path);
  try {
    module.load_state_dict(state);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

void save(const Tensor& tensor, const std::filesystem::path& path) {
  file_io::write_file_atomically(path, checkpoint::write_checkpoint({{"", tensor.detach()}}, true, archive_name(path)));
}

void load(Tensor& tensor, const std::filesystem::path& path) {
  const std::string source = path.string();
  const std::string bytes = read_checkpoint_file(path);
  if (format_of(bytes, source) == Format::zip) {
    auto checkpoint = checkpoint::read_checkpoint(bytes, source);
    if (!checkpoint.tensor) {
      throw Error(fmt::format("{}: holds a state_dict, not one tensor (load it with torch::load(path))", source));
    }
    tensor = *checkpoint.tensor;
    return;
  }
  const auto entries = tensor_file::decode(bytes, kLegacyTensorKind, source);
  if (entries.size() != 1) {
    throw Error(fmt::format("torch::load: {} holds {} tensors, expected one", source, entries.size()));
  }
  const auto& [name, value] = entries.front();
  for (const char* d : kLegacyDtypeNames) {
    if (name != d) continue;
    tensor = name == std::string("float32") ? value : value.to(name == std::string("int64") ? kLong : kBool);
    return;
  }
  throw Error(fmt::format("torch::load: {} names an unknown dtype '{}'", source, name));
}

}  // namespace duet::torch
