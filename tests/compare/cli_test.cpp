// duet-compare end to end: the default run, each output format parsed back, and every kind of
// bad input giving one line on stderr and a non-zero exit.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Result {
  int status;
  std::string out, err;
};

Result run(const std::string& args) {
  const fs::path err_file = fs::temp_directory_path() / ("duet_cli_err_" + std::to_string(::getpid()));
  const std::string cmd = std::string("\"") + DUET_COMPARE_BIN + "\" " + args + " 2>\"" + err_file.string() + "\"";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  std::ifstream in(err_file);
  std::string err((std::istreambuf_iterator<char>(in)), {});
  fs::remove(err_file);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err};
}

// A scratch experiment file; removed at the end of the test.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : path_(fs::temp_directory_path() / ("duet_cli_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

const std::string kValid = R"({
  "name": "tiny",
  "data": {"x": [[0], [1], [2]], "y": [[1], [3], [5]]},
  "layers": [{"units": 1}],
  "initial_weights": [{"kernel": [[0.0]], "bias": [0.0]}],
  "epochs": 5,
  "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.05}, "loss": "mse"},
  "torch": {"optimizer": {"name": "sgd", "lr": 0.05}, "loss": {"name": "mse"}},
  "predict": [[3]]
})";

// Expects a failed run with exactly one line on stderr containing `needle`.
void expect_one_line_error(const std::string& json, const std::string& needle) {
  TempFile f("bad.json", json);
  const Result r = run("--experiment " + f.path());
  EXPECT_NE(r.status, 0) << json;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "stderr: " << r.err;
  EXPECT_EQ(r.out, "");
}

std::string with(const std::string& from, const std::string& to) {
  std::string s = kValid;
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

TEST(Cli, DefaultRunShowsBothPredictionsAndTheExplanation) {
  const Result r = run("");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("prediction x=10"), std::string::npos);
  EXPECT_NE(r.out.find("Loss reduction"), std::string::npos);
  EXPECT_NE(r.out.find("6x larger"), std::string::npos);
  EXPECT_NE(r.out.find("Initial weights"), std::string::npos);
}

TEST(Cli, DefaultJsonPredictsNearTheArticlesNumbers) {
  const Result r = run("--format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["experiment"], "article");
  // Keras (mean, lr 0.01) stops ~0.02 short of 19 from any small start; PyTorch (sum) reaches it.
  // The Keras side must show the gap: a prediction of 19.0 there would mean it took PyTorch's steps.
  const double keras = j["keras"]["predictions"][0][0].get<double>();
  const double torch = j["torch"]["predictions"][0][0].get<double>();
  EXPECT_GT(keras, 18.95);
  EXPECT_LT(keras, 18.995) << "the Keras side reached 19: the article's gap is gone";
  EXPECT_NEAR(torch, 19.0, 1e-3);
  EXPECT_GT(19.0 - keras, 5 * std::abs(19.0 - torch));
  EXPECT_EQ(j["keras"]["loss_history"].size(), 500u);
}

TEST(Cli, CsvHasOneRowPerEpoch) {
  TempFile f("ok.json", kValid);
  const Result r = run("--experiment " + f.path() + " --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("epoch,keras_loss,torch_loss\n1,", 0), 0u) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 6);
  // Identical configuration: both columns start from the same loss, (1 + 9 + 25) / 3.
  EXPECT_NE(r.out.find("1,11.666667,11.666667\n"), std::string::npos) << r.out;
}

TEST(Cli, ExplainShowsTheReductionCausesTheArticlesGap) {
  const Result r = run("--explain --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out)["explanation"];
  // Rows come sorted by their effect alone; the reduction must lead and remove most of the gap.
  ASSERT_FALSE(j["removed"].empty());
  EXPECT_EQ(j["removed"][0]["difference"], "same loss reduction (mean)");
  EXPECT_LT(j["removed"][0]["gap"].get<double>(), 0.5 * j["baseline_gap"].get<double>());
  // Aligned, the two sides agree to float32 rounding: 1e-4 of a prediction near 19.
  EXPECT_LE(j["all_removed_gap"].get<double>(), 1e-4 * 19);
  EXPECT_GT(j["baseline_gap"].get<double>(), 0.005);
  const Result table = run("--explain");
  EXPECT_NE(table.out.find("agree to float32 rounding"), std::string::npos) << table.out;
}

TEST(Cli, SeedsReportTheSpread) {
  const Result r = run("--seeds 5 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto s = nlohmann::json::parse(r.out)["seeds"];
  EXPECT_EQ(s["count"], 5);
  EXPECT_LE(s["keras_prediction"]["min"].get<double>(), s["keras_prediction"]["median"].get<double>());
  EXPECT_LE(s["keras_prediction"]["median"].get<double>(), s["keras_prediction"]["max"].get<double>());
  EXPECT_LT(s["keras_prediction"]["max"].get<double>(), 19.0);  // mean reduction never quite gets there
  EXPECT_EQ(run("--seeds 0").status, 2);
}

TEST(Cli, PlotWritesAnSvgWithBothCurves) {
  const fs::path svg = fs::temp_directory_path() / ("duet_plot_" + std::to_string(::getpid()) + ".svg");
  const Result r = run("--plot " + svg.string() + " --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(text.find("Keras-style"), std::string::npos);
  EXPECT_NE(text.find("PyTorch-style"), std::string::npos);
  EXPECT_NE(text.find("loss (log scale)"), std::string::npos);
  // One polyline per side, each with a point per epoch (500 "x,y" pairs).
  const auto first = text.find("<polyline"), second = text.find("<polyline", first + 1);
  ASSERT_NE(second, std::string::npos);
  const std::string curve = text.substr(first, second - first);
  EXPECT_EQ(std::count(curve.begin(), curve.end(), ','), 500);
  EXPECT_FALSE(fs::exists(svg.string() + ".tmp"));
  fs::remove(svg);
  EXPECT_EQ(run("--plot /nonexistent-dir/x.svg").status, 1);
}

TEST(Cli, EveryExampleExperimentRunsInEachFormat) {
  int seen = 0;
  for (const auto& f : fs::directory_iterator(DUET_EXAMPLE_EXPERIMENTS)) {
    if (f.path().extension() != ".json") continue;
    ++seen;
    const std::string path = f.path().string();
    const Result json = run("--experiment " + path + " --format json");
    ASSERT_EQ(json.status, 0) << path << ": " << json.err;
    const auto j = nlohmann::json::parse(json.out);
    for (const char* side : {"keras", "torch"}) {
      EXPECT_FALSE(j[side]["predictions"].empty()) << path;
      EXPECT_FALSE(j[side]["loss_history"].empty()) << path;
      // Training lowers the loss on every example.
      EXPECT_LT(j[side]["loss_history"].back().get<double>(), j[side]["loss_history"].front().get<double>()) << path;
    }
    const Result csv = run("--experiment " + path + " --format csv");
    ASSERT_EQ(csv.status, 0) << path;
    EXPECT_EQ(static_cast<std::size_t>(std::count(csv.out.begin(), csv.out.end(), '\n')),
              j["keras"]["loss_history"].size() + 1);
    const Result table = run("--experiment " + path);
    ASSERT_EQ(table.status, 0) << path;
    EXPECT_NE(table.out.find("Why the numbers differ"), std::string::npos) << path;
  }
  EXPECT_GE(seen, 5);
}

TEST(Cli, HelpDocumentsTheOptions) {
  const Result r = run("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--experiment"), std::string::npos);
  EXPECT_NE(r.out.find("--format"), std::string::npos);
  EXPECT_NE(r.out.find("--explain"), std::string::npos);
  EXPECT_NE(r.out.find("--seeds"), std::string::npos);
  EXPECT_NE(r.out.find("--plot"), std::string::npos);
}

TEST(Cli, BadInputGivesOneLine) {
  expect_one_line_error("{\n  \"name\": \"x\",\n  \"epochs\": 5,,\n}", "line 3, column");
  expect_one_line_error(with("\"epochs\": 5", "\"epochs\": 5, \"epoch\": 3"), "epoch: unknown key");
  expect_one_line_error(with("[[1], [3], [5]]", "[[1], [3]]"), "x has 3 rows but y has 2");
  expect_one_line_error(with("[[0], [1], [2]]", "[[0], [1, 2], [2]]"), "data.x[1]: has 2 values but row 0 has 1");
  expect_one_line_error(with("[[0.0]]", "[[0.0], [1.0]]"), "initial_weights[0].kernel: has shape [2, 1]");
  expect_one_line_error(with("\"epochs\": 5", "\"epochs\": -5"), "epochs: must not be negative, got -5");
  expect_one_line_error(with("\"epochs\": 5", "\"epochs\": 50000000"), "epochs: 50000000 is more than the 1000000");
  expect_one_line_error(with("\"epochs\": 5", "\"epochs\": 5, \"batch_size\": 0"), "batch_size: must be a positive");
  expect_one_line_error(with("\"name\": \"sgd\", \"learning_rate\"", "\"name\": \"sgdd\", \"learning_rate\""),
                        "unknown optimizer 'sgdd'");
  expect_one_line_error(with("\"loss\": \"mse\"", "\"loss\": \"msee\""), "unknown loss 'msee'");
  expect_one_line_error(with("\"loss\": {\"name\": \"mse\"}", "\"loss\": {\"name\": \"mse\", \"reduction\": \"avg\"}"),
                        "torch.loss.reduction");
  expect_one_line_error(with("[[0], [1], [2]]", "[[0], [1e999], [2]]"), "number overflow parsing '1e999'");
  std::string diverging = with("\"lr\": 0.05", "\"lr\": 50");
  diverging.replace(diverging.find("\"epochs\": 5"), 11, "\"epochs\": 300");
  expect_one_line_error(diverging, "diverged");
  expect_one_line_error(with("[[1], [3], [5]]", "[[1, 0], [3, 0], [5, 0]]"), "the last layer has 1 units but y has 2");
  expect_one_line_error(with("[{\"units\": 1}]", "[{\"units\": 2}]"), "data.y[1]: class index 3 is not a whole number in [0, 2)");
}

TEST(Cli, CsvDataErrorsNameTheLine) {
  TempFile csv("data.csv", "a,y\n1,2\n3,oops\n");
  TempFile ragged("ragged.csv", "a,y\n1,2\n3\n");
  TempFile good("good.csv", "a,y\n1,2\n3,4\n");
  const std::string exp = with("\"x\": [[0], [1], [2]], \"y\": [[1], [3], [5]]", "\"csv\": \"CSV\", \"targets\": [\"y\"]");
  const auto for_csv = [&](const TempFile& f) {
    std::string s = exp;
    return s.replace(s.find("CSV"), 3, fs::path(f.path()).filename().string());
  };
  expect_one_line_error(for_csv(csv), ":3: column 'y' holds 'oops', which is not a number");
  expect_one_line_error(for_csv(ragged), ":3: 1 cells but the header has 2 columns");
  std::string missing = for_csv(good);
  missing.replace(missing.find("[\"y\"]"), 5, "[\"z\"]");
  expect_one_line_error(missing, "no column named 'z'");
}

TEST(Cli, UnknownOptionsAndMissingFilesAreUsageErrors) {
  EXPECT_EQ(run("--formt json").status, 2);
  EXPECT_EQ(run("--format xml").status, 2);
  EXPECT_EQ(run("--experiment /nonexistent/x.json").status, 2);
}

}  // namespace
