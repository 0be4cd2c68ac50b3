// Experiment files against hostile input, one test per class of failure found by the second
// hostile pass (issue 20). The command-line side (exit codes, --plot, work bound) is in
// cli_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "support/test_helpers.h"

namespace duet::compare {
namespace {

namespace fs = std::filesystem;
using test::error_of;

const std::string kValid = R"({
  "name": "tiny",
  "data": {"x": [[0], [1], [2]], "y": [[1], [3], [5]]},
  "layers": [{"units": 1}],
  "epochs": 5,
  "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.05}, "loss": "mse"},
  "torch": {"optimizer": {"name": "sgd", "lr": 0.05}, "loss": {"name": "mse"}}
})";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kValid;
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

std::string error_for(const std::string& text) {
  return error_of([&] { parse_experiment_text(text, "."); });
}

using test::contains;

TEST(Hostile, ExperimentErrorsAreBoundedWhateverTheValue) {
  const std::string deep_open(100000, '['), deep_closed = deep_open + std::string(100000, ']');
  // 4 MB: ten thousand times the 400-character bound on a message (a larger value only makes the
  // sanitizer suite slower; the file-size limit is tested in ExperimentLimitsAreCheckedBeforeAllocating).
  const std::string huge(4 << 20, 'x');
  const std::vector<std::string> messages = {
      error_for(with("\"epochs\": 5", "\"epochs\": " + deep_open)),     // 100,000 unclosed [
      error_for(with("\"epochs\": 5", "\"epochs\": " + deep_closed)),   // and closed
      error_for(with("\"name\": \"tiny\"", "\"name\": " + deep_closed)),
      error_for(with("\"epochs\": 5", "\"epochs\": \"" + huge + "\"")),  // a 4 MB value
      error_for(with("\"epochs\": 5", "\"epochs\": 5, \"" + huge + "\": 1")),
      error_for(with("\"name\": \"sgd\"", "\"name\": \"" + huge + "\"")),
      error_for(with("\"epochs\": 5", "\"epochs\": [" + std::string(1 << 20, '1') + "]")),
      error_for(with("\"epochs\": 5", "\"epochs\": 5 " + huge)),         // a syntax error quoting a token
      error_for(with("\"epochs\": 5", "\"epochs\": 1" + std::string(400, '0'))),
  };
  for (const auto& msg : messages) {
    EXPECT_LT(msg.size(), 400u) << msg.substr(0, 400);
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg.substr(0, 400);
  }
  EXPECT_TRUE(contains(messages[0], "epochs[0][0]")) << messages[0];
  EXPECT_TRUE(contains(messages[0], "nested deeper than the 32 levels")) << messages[0];
  EXPECT_TRUE(contains(messages[3], "epochs: must be an integer, got \"xxxx")) << messages[3];
  EXPECT_TRUE(contains(messages[3], "... (")) << messages[3];
  // Built in memory (no parser in between), a deep value is still quoted safely.
  nlohmann::json deep = 1;
  for (int i = 0; i < 100000; ++i) {
    auto outer = nlohmann::json::array();
    outer.push_back(std::move(deep));  // moved, not copied: a copy would recurse
    deep = std::move(outer);
  }
  auto doc = nlohmann::json::parse(kValid);
  doc["epochs"] = std::move(deep);
  EXPECT_TRUE(contains(error_of([&] { parse_experiment(doc, "."); }), "epochs: must be an integer, got [[[")) ;
}

TEST(Hostile, ExperimentLimitsAreCheckedBeforeAllocating) {
  EXPECT_TRUE(contains(error_for(with("[{\"units\": 1}]", "[{\"units\": 1000000000}]")),
                       "layers[0].units: 1000000000 is more than the 100000 units a layer may have"));
  EXPECT_TRUE(contains(error_for(with("[{\"units\": 1}]", "[{\"units\": 100000}, {\"units\": 100000}, {\"units\": 1}]")),
                       "layers[1].units: the layers up to this one have 10000300000 parameters, more than the 10000000"));
  const fs::path dir = fs::temp_directory_path() / ("duet_hostile_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "big.json") << "{";
  fs::resize_file(dir / "big.json", kMaxExperimentFileBytes + 1);  // sparse
  EXPECT_TRUE(contains(error_of([&] { load_experiment(dir / "big.json"); }), "more than the limit of 16777216 bytes"));
  EXPECT_TRUE(contains(error_of([] { load_experiment("/dev/zero"); }), "a character device, not a regular file"));
  EXPECT_TRUE(contains(error_of([&] { load_experiment(dir); }), "a directory, not a regular file"));
  // A CSV named in an experiment goes through the same reader.
  EXPECT_TRUE(contains(error_for(with("\"x\": [[0], [1], [2]], \"y\": [[1], [3], [5]]",
                                      "\"csv\": \"/dev/zero\", \"targets\": [\"y\"]")),
                       "a character device"));
  fs::remove_all(dir);
}

TEST(Hostile, DuplicateKeysAreErrors) {
  // The last copy used to win silently: 5 epochs became 900,000.
  EXPECT_TRUE(contains(error_for(with("\"epochs\": 5", "\"epochs\": 5, \"epochs\": 900000")),
                       "experiment: epochs: the key appears twice in one object"));
  EXPECT_TRUE(contains(error_for(with("\"lr\": 0.05", "\"lr\": 0.05, \"lr\": 5")),
                       "experiment: torch.optimizer.lr: the key appears twice"));
  EXPECT_TRUE(contains(error_for(with("[{\"units\": 1}]", "[{\"units\": 1}, {\"units\": 1, \"units\": 2}]")),
                       "experiment: layers[1].units: the key appears twice"));
  // The same key in two different objects is fine.
  EXPECT_EQ(error_for(with("[{\"units\": 1}]", "[{\"units\": 2}, {\"units\": 1}]")), "(no error)");
}

TEST(Hostile, NumbersOutOfFloat32RangeAreNamedWithTheirKeyPath) {
  EXPECT_TRUE(contains(error_for(with("[[0], [1], [2]]", "[[0], [1e39], [2]]")),
                       "experiment: data.x[1][0]: 1e+39 is too large for float32 (the largest is 3.40282e+38)"));
  EXPECT_TRUE(contains(error_for(with("\"lr\": 0.05", "\"lr\": 1e39")), "torch.optimizer.lr: 1e+39 is too large for float32"));
  EXPECT_TRUE(contains(error_for(with("\"learning_rate\": 0.05", "\"learning_rate\": -1e39")),
                       "keras.optimizer.learning_rate: -1e+39 is too large for float32"));
}

}  // namespace
}  // namespace duet::compare
