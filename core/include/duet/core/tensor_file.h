/// @file
/// Named float32 tensors in one file, shared by torch_like's save/load and keras_like's
/// save_weights/load_weights. The layout is in docs/file-format.md:
///   "DUETTNSR" | u32 version | str kind | u32 count | count x (str name | u32 rank | i64 dims[rank]
///   | f32 values[numel]) | u32 CRC-32 of every byte before it          (all little-endian)
/// Saving goes through file_io::write_file_atomically (a unique temporary in the same folder,
/// flushed and renamed over the target), so a crash never leaves a half-written file where the
/// old one was; loading reads only regular files of at most kMaxFileBytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::tensor_file {

inline constexpr std::uint32_t kVersion = 1;
/// The largest tensor file load() reads (4 GiB), checked before anything is allocated.
inline constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{4} << 30;

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// `kind` says what the file holds ("torch.state_dict", "keras.weights"); load checks it, and
/// rejects a file that names a tensor twice.
void save(const std::filesystem::path& path, const std::string& kind, const NamedTensors& tensors);
NamedTensors load(const std::filesystem::path& path, const std::string& kind);

/// The same on bytes in memory (what save writes and load reads), for tests and fuzzing.
std::string encode(const std::string& kind, const NamedTensors& tensors);
NamedTensors decode(const std::string& bytes, const std::string& kind, const std::string& source);

/// Test hook: when set, save() throws after writing the temporary file and before renaming it,
/// as a crash there would stop it (the same switch as file_io::simulate_crash_before_rename).
void simulate_crash_before_rename(bool on);

}  // namespace duet::tensor_file
