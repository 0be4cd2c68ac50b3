// Reading golden scenarios and expected reports (tests/golden) into tensors, for suites that
// check a front-end against a golden without going through the comparator.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::test {

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// A JSON number, list or list of lists as a float tensor ([n] or [n, m]; a scalar as [1]).
inline Tensor json_tensor(const nlohmann::json& j) {
  if (j.is_number()) return Tensor::from_data({1}, std::vector<float>{j.get<float>()});
  if (!j.empty() && j[0].is_array()) return Tensor::from_rows(j.get<std::vector<std::vector<float>>>());
  const auto v = j.get<std::vector<float>>();
  return Tensor::from_data({static_cast<std::int64_t>(v.size())}, v);
}

}  // namespace duet::test
