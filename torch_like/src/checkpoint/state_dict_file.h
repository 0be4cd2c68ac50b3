// PyTorch checkpoint files (torch.save's zip format, PyTorch >= 1.6) to and from Duet tensors:
// the archive layout of caffe2/serialize/inline_container.cc, the pickle of
// torch/serialization.py's _save, and the rules for dtypes Duet holds differently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::torch::checkpoint {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// What a checkpoint holds: a state_dict (an OrderedDict or dict of tensors) or one tensor.
struct Checkpoint {
  NamedTensors state;
  std::optional<Tensor> tensor;
};

/// Reads the bytes of a torch.save file; `source` (the path) starts every error, followed by the
/// entry and the problem. Memory stays within a few times the file's size whatever it claims.
Checkpoint read_checkpoint(std::string_view bytes, const std::string& source);

/// The bytes torch.save(state_dict) writes (or torch.save(tensor) when `single`, with one entry);
/// `archive_name` is the archive's top folder (torch.save uses the file's name without extension).
std::string write_checkpoint(const NamedTensors& tensors, bool single, const std::string& archive_name);

}  // namespace duet::torch::checkpoint
