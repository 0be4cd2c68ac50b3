// Reading golden scenarios and expected reports (tests/golden) into tensors and comparing with
// them, for suites that check a front-end against a golden without going through the comparator.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
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

// One public v2 golden: the scenario and one framework's expected report.
struct PublicGolden {
  nlohmann::json scenario, expected;
};
// `name` as in tests/golden/scenarios/public-v2/<name>.json; `framework` "torch" or "keras".
inline PublicGolden read_public_v2(const std::string& name, const std::string& framework) {
  const std::string dir = DUET_GOLDEN_DIR;
  return {read_json(dir + "/scenarios/public-v2/" + name + ".json"),
          read_json(dir + "/expected/public-v2/" + name + "." + framework + ".json")};
}

// Every element of `got` within `tol` relative (plus `tol` absolute) of the golden's values.
inline void expect_close(const Tensor& got, const nlohmann::json& expected, float tol, const std::string& what) {
  const Tensor want = json_tensor(expected);
  ASSERT_EQ(got.numel(), want.numel()) << what;
  for (std::int64_t i = 0; i < got.numel(); ++i) {
    EXPECT_NEAR(got.data()[i], want.data()[i], tol * (1 + std::abs(want.data()[i]))) << what << " element " << i;
  }
}

}  // namespace duet::test
