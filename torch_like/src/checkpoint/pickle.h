// A restricted reader and a writer of the pickle stream in a PyTorch checkpoint (data.pkl).
// The reader is an interpreter of pickle opcodes that can build only plain values (None, bool,
// int, float, str, tuple, list, dict), OrderedDict, storage references and tensor descriptions:
// every global the stream names is checked against an allow-list like PyTorch's own weights-only
// unpickler (torch/_weights_only_unpickler.py), so reading a file never runs or constructs
// anything else. Tensors are only described here (storage, offset, sizes, strides); the caller
// reads their values from the archive's storages.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duet/core/dtype.h"

namespace duet::torch::checkpoint {

/// A storage a tensor views: the archive entry data/<key>, its element type and claimed length.
struct StorageRef {
  std::string key;
  std::string type;  ///< "FloatStorage", "DoubleStorage", "LongStorage", "BoolStorage"
  std::int64_t numel = 0;
};

/// What torch._utils._rebuild_tensor_v2 would build.
struct TensorRef {
  std::shared_ptr<const StorageRef> storage;
  std::int64_t offset = 0;
  std::vector<std::int64_t> sizes, strides;
};

/// One unpickled value. Objects are shared (the memo can name one twice), as in Python.
struct PyValue {
  enum class Kind { none, boolean, integer, floating, string, tuple, list, dict, global, storage, tensor };
  Kind kind = Kind::none;
  bool boolean = false;
  std::int64_t integer = 0;
  double floating = 0;
  std::string text;  ///< string; for a global "module.name"
  std::vector<std::shared_ptr<PyValue>> items;  ///< tuple, list
  std::vector<std::pair<std::string, std::shared_ptr<PyValue>>> entries;  ///< dict / OrderedDict, in order
  std::shared_ptr<const StorageRef> storage;
  std::shared_ptr<const TensorRef> tensor;
  int depth = 1;  ///< nesting depth, bounded so no walk (or destructor) recurses deeply
  /// Set once the value is inside another: it may not change after that, which keeps depth
  /// exact and makes reference cycles (a leak, an endless walk) impossible.
  bool nested = false;
};
using PyRef = std::shared_ptr<PyValue>;

/// The value the pickle `bytes` build. `where` prefixes every error ("model.pt: model/data.pkl").
/// Throws duet::Error naming the byte offset and the problem: an opcode a checkpoint does not
/// need, a global off the allow-list (quoted), a malformed or truncated stream.
PyRef unpickle(std::string_view bytes, const std::string& where);

/// The pickle (protocol 2, as torch.save writes) of an OrderedDict of tensors, or of one tensor
/// when `single` is set. Each tensor has its own storage, keyed "0", "1", ... in order, and is
/// contiguous.
struct TensorToWrite {
  std::string name;
  std::string storage_type;  ///< "FloatStorage", "LongStorage", "BoolStorage"
  std::vector<std::int64_t> sizes;
};
std::string pickle_state_dict(const std::vector<TensorToWrite>& tensors, bool single);

}  // namespace duet::torch::checkpoint
