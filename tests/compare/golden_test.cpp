// Conformance with the real frameworks: every golden scenario through both front-ends, compared
// with what PyTorch and TensorFlow.js produced (tests/golden/README.md says where they came from).
//
// Tolerances, and why they are float32-honest: both Duet and the frameworks compute in float32
// (unit roundoff 6e-8) but sum in different orders (Eigen's blocked products vs the frameworks'
// kernels), so each step differs by a few ulps, and training compounds that over up to 500
// epochs. Predictions and weights get 1e-4 relative (about 1700 ulps, far below any rule
// difference: a wrong reduction or momentum form moves them by percent). Epoch losses get 1e-3
// relative plus 1e-6 of the first epoch's loss, because near convergence the loss is a small
// difference of nearly equal numbers and its relative error is amplified.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "duet/compare/experiment.h"
#include "duet/compare/report.h"

namespace duet::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kValueRel = 1e-4, kLossRel = 1e-3, kLossFirstAbs = 1e-6;

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

void expect_values_near(const json& got, const json& want, const std::string& where) {
  if (want.is_array()) {
    ASSERT_TRUE(got.is_array()) << where;
    ASSERT_EQ(got.size(), want.size()) << where;
    for (std::size_t i = 0; i < want.size(); ++i) expect_values_near(got[i], want[i], where + "[" + std::to_string(i) + "]");
    return;
  }
  const double g = got.get<double>(), w = want.get<double>();
  EXPECT_NEAR(g, w, kValueRel * std::max(1.0, std::abs(w))) << where;
}

void expect_side_matches(const json& got, const json& want, const std::string& where) {
  expect_values_near(got["predictions"], want["predictions"], where + " predictions");
  ASSERT_EQ(got["weights"].size(), want["weights"].size()) << where;
  for (std::size_t l = 0; l < want["weights"].size(); ++l) {
    expect_values_near(got["weights"][l]["kernel"], want["weights"][l]["kernel"], where + " kernel " + std::to_string(l));
    expect_values_near(got["weights"][l]["bias"], want["weights"][l]["bias"], where + " bias " + std::to_string(l));
  }
  const auto& gh = got["loss_history"];
  const auto& wh = want["loss_history"];
  ASSERT_EQ(gh.size(), wh.size()) << where << " epochs";
  const double floor = kLossFirstAbs * std::abs(wh[0].get<double>());
  for (std::size_t e = 0; e < wh.size(); ++e) {
    const double w = wh[e].get<double>();
    EXPECT_NEAR(gh[e].get<double>(), w, kLossRel * std::abs(w) + floor) << where << " loss of epoch " << e;
  }
}

// "set/name" for every scenario: the shared public set and Duet's own (tools/golden).
std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const char* set : {"public", "duet"}) {
    for (const auto& f : fs::directory_iterator(fs::path(DUET_GOLDEN_DIR) / "scenarios" / set)) {
      if (f.path().extension() == ".json") names.push_back(std::string(set) + "/" + f.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Golden : public ::testing::TestWithParam<std::string> {
 protected:
  std::string set() const { return GetParam().substr(0, GetParam().find('/')); }
  std::string name() const { return GetParam().substr(GetParam().find('/') + 1); }
  fs::path scenario() const { return fs::path(DUET_GOLDEN_DIR) / "scenarios" / set() / (name() + ".json"); }
  void check_report(const json& report) const {
    int compared = 0;
    for (const char* side : {"keras", "torch"}) {
      const fs::path expected = fs::path(DUET_GOLDEN_DIR) / "expected" / set() / (name() + "." + side + ".json");
      if (!fs::exists(expected)) continue;
      ++compared;
      expect_side_matches(report[side], read_json(expected), GetParam() + " " + side);
    }
    EXPECT_GT(compared, 0) << "no expected output for " << GetParam();
  }
};

TEST_P(Golden, InProcessMatchesTheFrameworks) {
  const Experiment e = load_experiment(scenario());
  check_report(json::parse(to_json(run(e))));
}

TEST_P(Golden, DuetCompareJsonMatchesTheFrameworks) {
  const std::string cmd = std::string("\"") + DUET_COMPARE_BIN + "\" --experiment \"" + scenario().string() + "\" --format json";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  ASSERT_TRUE(pipe) << cmd;
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  check_report(json::parse(out));
}

INSTANTIATE_TEST_SUITE_P(Frameworks, Golden, ::testing::ValuesIn(scenario_names()),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           std::replace(n.begin(), n.end(), '/', '_');
                           return n;
                         });

}  // namespace
}  // namespace duet::compare
