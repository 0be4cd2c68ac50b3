// The zip container of PyTorch >= 1.6 checkpoints (caffe2/serialize/inline_container.cc), through
// libzip. Reading works on the file's bytes in memory, so nothing read can be larger than the
// file; writing stores every entry uncompressed with its data 64-byte aligned, as PyTorch's
// PyTorchStreamWriter does (kFieldAlignment), so torch.load can map storages straight from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct zip;  // libzip's archive handle (zip.h), kept out of this header

namespace duet::torch::checkpoint {

/// A zip archive opened from bytes held by the caller (they must outlive the reader).
class ZipReader {
 public:
  /// `source` names the file in errors. Throws duet::Error for anything libzip rejects
  /// (truncated, not a zip, inconsistent directory).
  ZipReader(std::string_view bytes, std::string source);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  /// The whole entry. Only stored (uncompressed) entries are read, as torch.save writes them,
  /// which bounds every entry by the file's size; the CRC is checked.
  std::string read(const std::string& name) const;
  /// The entry's uncompressed size as the directory states it, without reading it.
  std::uint64_t size(const std::string& name) const;

 private:
  ::zip* archive_ = nullptr;
  std::string source_;
  std::size_t archive_bytes_;  // no stored entry can be larger
};

/// The bytes of a zip archive holding `entries` in order, each stored uncompressed, its data at
/// a multiple of 64 bytes from the start (padding in a local extra field, id "FB" as PyTorch's).
std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries);

/// Offsets of each local entry's data in zip `bytes`, walking the local headers in order (for
/// checking the alignment the writer promises).
std::vector<std::pair<std::string, std::uint64_t>> local_data_offsets(std::string_view bytes);

}  // namespace duet::torch::checkpoint
