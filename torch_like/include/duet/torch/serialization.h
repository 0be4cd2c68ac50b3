/// @file
/// torch.save / torch.load for state dicts, in Duet's tensor file format (docs/file-format.md):
///   torch::save(model.state_dict(), "model.pt");
///   model.load_state_dict(torch::load("model.pt"));
/// Saving is atomic (temporary file, flush, rename); loading checks the magic number, version,
/// kind and checksum and names what is wrong.
#pragma once

#include <filesystem>

#include "duet/core/tensor_file.h"

namespace duet::torch {

using StateDict = tensor_file::NamedTensors;

void save(const StateDict& state, const std::filesystem::path& path);
StateDict load(const std::filesystem::path& path);

}  // namespace duet::torch
