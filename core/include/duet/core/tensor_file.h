/// @file
/// Named float32 tensors in one file, shared by torch_like's save/load and keras_like's
/// save_weights/load_weights. The layout is in docs/file-format.md:
///   "DUETTNSR" | u32 version | str kind | u32 count | count x (str name | u32 rank | i64 dims[rank]
///   | f32 values[numel]) | u32 CRC-32 of every byte before it          (all little-endian)
/// Saving writes a temporary file in the same folder, flushes it to disk and renames it over the
/// target, so a crash never leaves a half-written file where the old one was.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::tensor_file {

inline constexpr std::uint32_t kVersion = 1;

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// `kind` says what the file holds ("torch.state_dict", "keras.weights"); load checks it.
void save(const std::filesystem::path& path, const std::string& kind, const NamedTensors& tensors);
NamedTensors load(const std::filesystem::path& path, const std::string& kind);

/// The same on bytes in memory (what save writes and load reads), for tests and fuzzing.
std::string encode(const std::string& kind, const NamedTensors& tensors);
NamedTensors decode(const std::string& bytes, const std::string& kind, const std::string& source);

/// Test hook: when set, save() throws after writing the temporary file and before renaming it,
/// as a crash there would stop it.
void simulate_crash_before_rename(bool on);

}  // namespace duet::tensor_file
