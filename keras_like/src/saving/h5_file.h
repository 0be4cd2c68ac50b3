// A small RAII layer over libhdf5's C API for Keras weight files: an HDF5 file held in memory
// (the core driver, no backing store), so reading never touches more than the file's bytes and
// writing hands finished bytes to Duet's atomic writer. Every error names the file and the path
// inside it.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::keras::saving {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Id {
 public:
  H5Id() = default;
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Id(H5Id&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  H5Id& operator=(H5Id&& other) noexcept;
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  ~H5Id();
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

/// An HDF5 file opened read-only from its bytes.
class H5Reader {
 public:
  /// Throws duet::Error naming `source` when the bytes are not an HDF5 file libhdf5 opens.
  H5Reader(const std::string& bytes, std::string source);

  const std::string& source() const { return source_; }
  /// Whether `path` ("layers/dense/vars") names a group / a dataset.
  bool is_group(const std::string& path) const;
  bool is_dataset(const std::string& path) const;
  /// The names of a group's members, in name order.
  std::vector<std::string> members(const std::string& group) const;
  /// A numeric dataset as float32 (float64 and integers converted by libhdf5), rank <= 4; its
  /// stored size may not exceed the file's.
  Tensor read_dataset(const std::string& path) const;
  /// What a dataset's values are: Keras writes the optimizer's iteration count as an integer
  /// and every other variable as floats.
  enum class Numbers { integers, floats, other };
  Numbers numbers(const std::string& path) const;
  /// A scalar integer dataset (an optimizer's iteration count), exactly.
  std::int64_t read_int64_scalar(const std::string& path) const;
  bool has_attribute(const std::string& object, const std::string& name) const;
  /// A string or array-of-strings attribute (fixed or variable length, as h5py writes them).
  std::vector<std::string> string_attribute(const std::string& object, const std::string& name) const;

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& why) const;
  H5Id open_object(const std::string& path) const;

  std::string source_;
  std::uint64_t file_bytes_;
  H5Id file_;
};

/// Builds an HDF5 file in memory; bytes() gives the finished file.
class H5Writer {
 public:
  H5Writer();
  /// Creates `path` and any missing parent groups.
  void group(const std::string& path);
  /// A float32 dataset (little-endian IEEE, as h5py writes a float32 numpy array).
  void dataset(const std::string& path, const Tensor& value);
  /// A scalar int64 dataset (little-endian, as h5py writes a numpy int64 scalar).
  void int64_scalar(const std::string& path, std::int64_t value);
  /// Attributes as h5py writes them from a numpy array of bytes (fixed-length strings) or a str.
  void string_array_attribute(const std::string& object, const std::string& name, const std::vector<std::string>& values);
  void string_attribute(const std::string& object, const std::string& name, const std::string& value);
  std::string bytes();

 private:
  H5Id file_;
};

}  // namespace duet::keras::saving
