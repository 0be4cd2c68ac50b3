// Reading the MNIST idx files, with libtorch's checks (torch/csrc/api/src/data/datasets/mnist.cpp)
// and Duet's own for a truncated or oversized file.
#include "duet/torch/data/mnist.h"

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "duet/core/dtype.h"
#include "duet/core/error.h"
#include "duet/core/file_io.h"

namespace duet::torch::data::datasets {

namespace {

constexpr std::uint32_t kImageMagicNumber = 2051;
constexpr std::uint32_t kTargetMagicNumber = 2049;
constexpr std::uint32_t kImageRows = 28;
constexpr std::uint32_t kImageColumns = 28;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;  // the real train images are 47 MB

// One idx file's bytes and a cursor over its big-endian header.
struct IdxFile {
  std::string path;
  std::string bytes;
  std::size_t offset = 0;

  std::uint32_t read_int32(const char* what) {
    if (bytes.size() < offset + 4) {
      throw Error(fmt::format("MNIST: {} is truncated: {} bytes end before its header's {}", path, bytes.size(), what));
    }
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[offset++]);
    return value;
  }
  // libtorch's expect_int32, with the file named.
  std::uint32_t expect_int32(std::uint32_t expected, const char* what) {
    const auto value = read_int32(what);
    if (value != expected) {
      throw Error(fmt::format("MNIST: {}: Expected to read number {} but found {} instead ({})", path, expected, value,
                              what));
    }
    return value;
  }
  // The file must hold exactly `count` records of `record_bytes` after the header.
  void require_payload(std::uint32_t count, std::size_t record_bytes, const char* records) {
    const std::uintmax_t expected = std::uintmax_t{count} * record_bytes;
    const std::uintmax_t held = bytes.size() - offset;
    if (held < expected) {
      throw Error(fmt::format("MNIST: {} is truncated: its header announces {} {} ({} bytes) but only {} bytes follow",
                              path, count, records, expected, held));
    }
    if (held > expected) {
      throw Error(fmt::format("MNIST: {}: the count {} {} in its header does not match the file size ({} bytes of data, "
                              "{} expected)",
                              path, count, records, held, expected));
    }
  }
};

IdxFile open(const std::filesystem::path& root, const char* name, const char* role) {
  const auto path = root / name;
  // libtorch: "Error opening images file at <path>".
  if (!std::filesystem::exists(path)) throw Error(fmt::format("MNIST: Error opening {} file at {}", role, path.string()));
  return {path.string(), file_io::read_regular_file(path, kMaxFileBytes, fmt::format("MNIST {} file", role))};
}

Tensor read_images(const std::filesystem::path& root, bool train) {
  IdxFile file = open(root, train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte", "images");
  file.expect_int32(kImageMagicNumber, "magic number of an idx3 images file");
  const std::uint32_t count = file.read_int32("image count");
  file.expect_int32(kImageRows, "rows per image");
  file.expect_int32(kImageColumns, "columns per image");
  constexpr std::size_t kPixels = std::size_t{kImageRows} * kImageColumns;
  file.require_payload(count, kPixels, "images");
  Tensor::Array values(static_cast<Eigen::Index>(std::size_t{count} * kPixels));
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(static_cast<unsigned char>(file.bytes[file.offset + static_cast<std::size_t>(i)])) / 255.0f;
  }
  return Tensor::from_array(Shape{static_cast<std::int64_t>(count), 1, kImageRows, kImageColumns}, std::move(values));
}

Tensor read_targets(const std::filesystem::path& root, bool train, const Tensor& images) {
  IdxFile file = open(root, train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte", "targets");
  file.expect_int32(kTargetMagicNumber, "magic number of an idx1 labels file");
  const std::uint32_t count = file.read_int32("label count");
  file.require_payload(count, 1, "labels");
  if (count != images.size(0)) {
    throw Error(fmt::format("MNIST: {} holds {} labels but the images file beside it holds {} images", file.path, count,
                            images.size(0)));
  }
  Tensor::Array values(static_cast<Eigen::Index>(count));
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(static_cast<unsigned char>(file.bytes[file.offset + static_cast<std::size_t>(i)]));
  }
  return Tensor::from_array(Shape{static_cast<std::int64_t>(count)}, std::move(values)).to(DType::int64);
}

std::filesystem::path existing_folder(const std::string& root) {
  if (!std::filesystem::is_directory(root)) {
    throw Error(fmt::format("MNIST: the dataset folder '{}' does not exist (or is not a folder)", root));
  }
  return root;
}

}  // namespace

MNIST::MNIST(const std::string& root, Mode mode) : mode_(mode) {
  const auto folder = existing_folder(root);
  images_ = read_images(folder, mode == Mode::kTrain);
  targets_ = read_targets(folder, mode == Mode::kTrain, images_);
}

Example<> MNIST::get(std::size_t index) {
  const auto i = static_cast<std::int64_t>(index);
  return {images_[i], targets_[i]};
}

std::optional<std::size_t> MNIST::size() const { return static_cast<std::size_t>(images_.size(0)); }

}  // namespace duet::torch::data::datasets
