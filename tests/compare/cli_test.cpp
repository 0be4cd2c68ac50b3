// duet-compare end to end: the default run, each output format parsed back, and every kind of
// bad input giving one line on stderr and a non-zero exit.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
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

// The words match the numbers: mlp-csv's only difference (Adam's epsilon rule) moves its
// prediction gap by nothing measurable, so the text must call the gap rounding, not claim that
// the difference explains it.
TEST(Cli, ExplainCallsARoundingLevelGapRounding) {
  const Result r = run(std::string("--explain --experiment ") + DUET_EXAMPLE_EXPERIMENTS + "/mlp-csv.json --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out)["explanation"];
  ASSERT_LE(j["baseline_gap"].get<double>(), 1e-4) << "the premise: mlp-csv's two sides agree to float32 rounding";
  const Result table = run(std::string("--explain --experiment ") + DUET_EXAMPLE_EXPERIMENTS + "/mlp-csv.json");
  EXPECT_NE(table.out.find("already at float32 rounding level"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("the differences listed do not matter"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("explain the whole gap"), std::string::npos) << table.out;
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
  const Result missing_dir = run("--plot /nonexistent-dir/x.svg");
  EXPECT_EQ(missing_dir.status, 1);
  EXPECT_NE(missing_dir.err.find("No such file or directory"), std::string::npos) << missing_dir.err;
}

// Class: a save that replaces what is not the file it was asked to write (as root, the old
// "--plot /dev/null" replaced the system's /dev/null), follows a planted link or leaves a
// temporary behind. The writer itself is tested in tests/core/file_io_test.cpp.
TEST(Cli, PlotNeverClobbersWhatIsNotARegularFile) {
  const Result device = run("--plot /dev/null --format csv");
  EXPECT_EQ(device.status, 1);
  EXPECT_NE(device.err.find("'/dev/null': it is a character device, not a regular file"), std::string::npos) << device.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  const fs::path dir = fs::temp_directory_path() / ("duet_plot_dir_" + std::to_string(::getpid()));
  fs::create_directories(dir / "plot.svg");
  const Result folder = run("--plot " + (dir / "plot.svg").string() + " --format csv");
  EXPECT_EQ(folder.status, 1);
  EXPECT_NE(folder.err.find("it is a directory, not a regular file"), std::string::npos) << folder.err;
  EXPECT_TRUE(fs::is_directory(dir / "plot.svg"));
  // A link planted at the old temporary's name is left alone, and so is what it points to.
  std::ofstream(dir / "victim") << "precious";
  fs::create_symlink(dir / "victim", dir / "out.svg.tmp");
  ASSERT_EQ(run("--plot " + (dir / "out.svg").string() + " --format csv").status, 0);
  std::ifstream victim(dir / "victim");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(victim)), {}), "precious");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 4u);  // plot.svg/, victim, out.svg.tmp, out.svg: no temporary left
  fs::remove_all(dir);
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

// Class: wrong output with exit 0. A prediction that overflowed float32 used to be written as
// JSON null; the experiment's name went into the SVG unescaped.
TEST(Cli, NoWrongOutputWithExitZero) {
  std::string overflow = with("[[0.0]]", "[[10.0]]");
  overflow.replace(overflow.find("\"predict\": [[3]]"), 16, "\"predict\": [[3e38]]");
  for (const char* format : {"json", "csv", "table"}) {
    TempFile f("overflow.json", overflow);
    const Result r = run("--experiment " + f.path() + " --format " + format);
    EXPECT_EQ(r.status, 1) << format;
    EXPECT_NE(r.err.find("model predicts inf for predict[0] (output 0): the value overflows float32"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
  }
  TempFile named("named.json", with("\"name\": \"tiny\"", "\"name\": \"<script>alert(1)</script> & \\\"q\\\"\""));
  const fs::path svg = fs::temp_directory_path() / ("duet_named_" + std::to_string(::getpid()) + ".svg");
  ASSERT_EQ(run("--experiment " + named.path() + " --plot " + svg.string() + " --format csv").status, 0);
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  fs::remove(svg);
  EXPECT_NE(text.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;: training loss"), std::string::npos) << text;
  EXPECT_EQ(text.find("<script"), std::string::npos);
}

// Class: long work without a sign of life. The total is bounded before training starts.
TEST(Cli, TotalTrainingWorkIsBounded) {
  TempFile f("long.json", with("\"epochs\": 5", "\"epochs\": 1000000"));
  const auto start = std::chrono::steady_clock::now();
  const Result r = run("--experiment " + f.path() + " --seeds 1000");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("this would take 2e+09 training steps (1000000 epochs x 1001 runs, both sides), more than the "
                       "1e+09 allowed"),
            std::string::npos)
      << r.err;
}

// Class: unbounded reads. A device given as the experiment is named, not read until memory runs out.
TEST(Cli, DevicesAreNotRead) {
  const Result r = run("--experiment /dev/zero");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("cannot read experiment file '/dev/zero': it is a character device, not a regular file"),
            std::string::npos)
      << r.err;
}

TEST(Cli, UnknownOptionsAndMissingFilesAreUsageErrors) {
  EXPECT_EQ(run("--formt json").status, 2);
  EXPECT_EQ(run("--format xml").status, 2);
  EXPECT_EQ(run("--experiment /nonexistent/x.json").status, 2);
}

}  // namespace

namespace {

// --weights: both sides start from a real checkpoint (the article's y = 2x - 1 as a PyTorch
// state_dict and as a Keras 3 .weights.h5), and a checkpoint that does not fit is named.
TEST(Cli, WeightsFromPyTorchAndKerasFiles) {
  const fs::path golden = fs::path(DUET_GOLDEN_DIR) / "checkpoints";
  for (const auto& file : {golden / "torch" / "article.pt", golden / "keras" / "article.weights.h5"}) {
    const auto r = run("--weights \"" + file.string() + "\" --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    // Started at the exact solution, neither side moves: both predict 2 * 10 - 1.
    EXPECT_EQ(j["keras"]["predictions"][0][0].get<double>(), 19.0) << j.dump();
    EXPECT_EQ(j["torch"]["predictions"][0][0].get<double>(), 19.0) << j.dump();
  }
  const auto bad = run("--weights \"" + (golden / "torch" / "mlp.pt").string() + "\"");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("mlp.pt: does not fit the experiment's layers: layers[0] (dense) against the file's module "
                         "'0': Error(s) in loading state_dict for Linear: size mismatch for weight"),
            std::string::npos)
      << bad.err;
}

}  // namespace
