// Internal: a double as Python's repr(float) prints it in module reprs ("1.0", "0.01", "1e-05").
#pragma once

#include <fmt/format.h>

#include <string>

namespace duet::torch::nn {

// fmt's "{}" is the shortest round-trip form, as Python's repr; Python adds ".0" to whole numbers.
inline std::string python_float(double value) {
  std::string s = fmt::format("{}", value);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";
  return s;
}

}  // namespace duet::torch::nn
