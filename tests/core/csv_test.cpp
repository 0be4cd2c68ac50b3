// core: CSV reading into tensors and the examples' data sets.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "duet/core/csv.h"
#include "duet/core/datasets.h"
#include "duet/core/error.h"
#include "support/test_helpers.h"

namespace duet {
namespace {

using test::error_of;

TEST(Csv, FeaturesAndTargetsByName) {
  const CsvTable table = parse_csv("a, y ,b\n1,2,3\n\n4,5,+6\n", "t.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"a", "y", "b"}));
  const CsvData data = split_columns(table, {"y"}, "t.csv");
  EXPECT_EQ(data.x.to_rows(), (std::vector<std::vector<float>>{{1, 3}, {4, 6}}));
  EXPECT_EQ(data.y.to_rows(), (std::vector<std::vector<float>>{{2}, {5}}));
}

TEST(Csv, ErrorsNameTheFileLineAndColumn) {
  EXPECT_NE(error_of([] { parse_csv("a,y\n1,abc\n", "d.csv"); }).find("d.csv:2: column 'y' holds 'abc', which is not a number"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_csv("a,y\n1\n", "d.csv"); }).find("d.csv:2: 1 cells but the header has 2 columns"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_csv("a,y\n1,inf\n", "d.csv"); }).find("data must be finite"), std::string::npos);
  EXPECT_NE(error_of([] { split_columns(parse_csv("a,y\n1,2\n", "d.csv"), {"z"}, "d.csv"); }).find("no column named 'z'"),
            std::string::npos);
  EXPECT_NE(error_of([] { read_csv("/nonexistent/x.csv"); }).find("cannot open CSV file '/nonexistent/x.csv'"),
            std::string::npos);
}

TEST(Csv, LoadsTheExampleExperimentsData) {
  // examples/experiments/minibatch-linear-csv.csv: x1, x2 -> y, 10 rows; its first row is 0.2, 0.83, 0.12.
  const auto [x, y] = datasets::load_csv(DUET_EXAMPLE_EXPERIMENTS "/minibatch-linear-csv.csv");
  EXPECT_EQ(x.shape(), (Shape{10, 2}));
  EXPECT_EQ(y.shape(), (Shape{10, 1}));
  EXPECT_FLOAT_EQ(x.at(0, 1), 0.83f);
  EXPECT_FLOAT_EQ(y.at(0, 0), 0.12f);
  EXPECT_EQ(datasets::load_csv(DUET_EXAMPLE_EXPERIMENTS "/mlp-data.csv").x.shape()[1], 3);
}

TEST(Datasets, ArticleLineIsTwoXMinusOne) {
  const auto [x, y] = datasets::article_line();
  ASSERT_EQ(x.shape(), (Shape{6, 1}));
  for (std::int64_t i = 0; i < 6; ++i) EXPECT_EQ(y.at(i, 0), 2 * x.at(i, 0) - 1);
  EXPECT_EQ(x.at(0, 0), -1.0f);
  EXPECT_EQ(x.at(5, 0), 4.0f);
}

TEST(Datasets, BlobsAndSineRegressionFollowTheirDefinitions) {
  Generator g(0), replay(0);
  const auto [x, y] = datasets::blobs(6, {{0, 2}, {-2, -1}, {2, -1}}, 0.5f, g);
  ASSERT_EQ(x.shape(), (Shape{6, 2}));
  const float centres[3][2] = {{0, 2}, {-2, -1}, {2, -1}};
  for (std::int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(y.at(i, 0), static_cast<float>(i % 3));
    for (std::int64_t d = 0; d < 2; ++d) {
      EXPECT_EQ(x.at(i, d), centres[i % 3][d] + 0.5f * static_cast<float>(replay.normal()));
    }
  }
  Generator h(1), replay_h(1);
  const auto [sx, sy] = datasets::sine_regression(4, h);
  for (std::int64_t i = 0; i < 4; ++i) {
    const float x1 = replay_h.uniform(-2, 2), x2 = replay_h.uniform(-2, 2);
    EXPECT_EQ(sx.at(i, 0), x1);
    // Within 4 ulps, not bit-equal: the library (-O3, -march=native) fuses the multiply-add into an
    // FMA, this recomputation (-O1) may not, which moves the last bit.
    EXPECT_FLOAT_EQ(sy.at(i, 0), std::sin(x1) + 0.5f * x2 * x2);
    EXPECT_LE(std::abs(x2), 2.0f);
  }
  EXPECT_NE(error_of([&] { datasets::blobs(4, {{0, 0}, {1}}, 1.0f, g); }).find("centre 1 has 1 coordinates"),
            std::string::npos);
}

}  // namespace
}  // namespace duet
