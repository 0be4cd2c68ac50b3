/// @file
/// Where a tensor's values live. Duet computes on the CPU only; the type exists so that code
/// written for libtorch (`torch::Device device(torch::kCPU); x.to(device)`) compiles, and a CUDA
/// device is a name that every use refuses with one clear error.
#pragma once

#include <string>

namespace duet {

/// libtorch's device types that code names; only CPU can hold values in Duet.
enum class DeviceType { CPU, CUDA };

/// A device type and an index (-1: the current one), as libtorch's torch::Device.
class Device {
 public:
  /* implicit */ Device(DeviceType type, int index = -1) : type_(type), index_(index) {}  // NOLINT
  /// "cpu", "cuda" or "cuda:<index>"; anything else is an error naming the string.
  explicit Device(const std::string& name);

  DeviceType type() const noexcept { return type_; }
  int index() const noexcept { return index_; }
  bool has_index() const noexcept { return index_ >= 0; }
  bool is_cpu() const noexcept { return type_ == DeviceType::CPU; }
  bool is_cuda() const noexcept { return type_ == DeviceType::CUDA; }
  /// "cpu", "cuda", "cuda:1".
  std::string str() const;
  bool operator==(const Device& other) const = default;

 private:
  DeviceType type_;
  int index_;
};

/// Throws duet::Error unless `device` is the CPU; `where` names the call ("to", "zeros", ...).
void require_cpu(const Device& device, const char* where);

}  // namespace duet
