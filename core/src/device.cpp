// Device names and the one CPU-only check every device-taking call makes.
#include "duet/core/device.h"

#include <fmt/format.h>

#include <charconv>

#include "duet/core/error.h"

namespace duet {

Device::Device(const std::string& name) : type_(DeviceType::CPU), index_(-1) {
  const auto colon = name.find(':');
  const std::string kind = name.substr(0, colon);
  if (kind == "cpu") {
    type_ = DeviceType::CPU;
  } else if (kind == "cuda") {
    type_ = DeviceType::CUDA;
  } else {
    throw Error(fmt::format("Device: expected a device string 'cpu', 'cuda' or 'cuda:<index>', got '{}'", name));
  }
  if (colon != std::string::npos) {
    const char* first = name.data() + colon + 1;
    const char* last = name.data() + name.size();
    const auto [end, ec] = std::from_chars(first, last, index_);
    if (ec != std::errc() || end != last || first == last || index_ < 0) {
      throw Error(fmt::format("Device: the index in '{}' is not a non-negative integer", name));
    }
  }
}

std::string Device::str() const {
  const std::string kind = is_cpu() ? "cpu" : "cuda";
  return has_index() ? fmt::format("{}:{}", kind, index_) : kind;
}

void require_cpu(const Device& device, const char* where) {
  if (device.is_cpu()) return;
  throw Error(fmt::format("{}: device '{}' is not available: Duet computes on the CPU only "
                          "(torch::cuda::is_available() is false); use torch::kCPU",
                          where, device.str()));
}

}  // namespace duet
