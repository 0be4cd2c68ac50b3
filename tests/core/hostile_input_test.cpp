// core: the readers (CSV, tensor files) against hostile input, one test per class of failure
// found by the second hostile pass (issue 20): a crash or megabytes from an error message,
// unbounded allocation, silent acceptance, unclear errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "duet/core/csv.h"
#include "duet/core/error.h"
#include "duet/core/excerpt.h"
#include "duet/core/tensor_file.h"
#include "support/test_helpers.h"

namespace duet {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::TempDir;

using test::contains;

TEST(Hostile, ErrorMessagesQuoteABoundedPrefix) {
  const std::string huge(4 << 20, 'x');
  for (const std::string& msg : {error_of([&] { parse_csv("a,y\n1," + huge + "\n", "d.csv"); }),
                                 error_of([&] { split_columns(parse_csv("a,y\n1,2\n", "d.csv"), {huge}, "d.csv"); }),
                                 error_of([&] { parse_csv(huge + "," + huge + "\n1,2\n", "d.csv"); }),
                                 error_of([&] { parse_csv("a,a" + huge + ",a" + huge + "\n1,2,3\n", "d.csv"); })}) {
    EXPECT_LT(msg.size(), 300u) << msg.substr(0, 300);
  }
  EXPECT_TRUE(contains(error_of([&] { parse_csv("a,y\n1," + huge + "\n", "d.csv"); }), "xxx... (4194304 bytes)"));
  // One line, whatever the value holds.
  EXPECT_EQ(excerpt("a\nb\x01"), "a\\x0ab\\x01");
  EXPECT_EQ(excerpt("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9... (4 bytes)");  // never half a UTF-8 character
}

TEST(Hostile, LimitsAreCheckedBeforeAllocating) {
  TempDir dir("duet_hostile");
  // A file larger than the limit is refused from its size alone (this one is sparse).
  std::ofstream(dir / "big.csv") << "a,y\n";
  fs::resize_file(dir / "big.csv", kMaxCsvFileBytes + 1);
  EXPECT_TRUE(contains(error_of([&] { read_csv(dir / "big.csv"); }),
                       fmt::format("is {} bytes, more than the limit of {} bytes", kMaxCsvFileBytes + 1, kMaxCsvFileBytes)));
  // Devices never reach the parser: /dev/zero would grow memory without end.
  EXPECT_TRUE(contains(error_of([] { read_csv("/dev/zero"); }), "a character device, not a regular file"));
  EXPECT_TRUE(contains(error_of([] { tensor_file::load("/dev/urandom", "torch.state_dict"); }), "a character device"));
  std::string wide;
  for (std::size_t c = 0; c <= kMaxCsvColumns; ++c) wide += fmt::format("{}c{}", c ? "," : "", c);
  EXPECT_TRUE(contains(error_of([&] { parse_csv(wide + "\n", "w.csv"); }),
                       fmt::format("the header has {} columns, more than the {} allowed", kMaxCsvColumns + 1, kMaxCsvColumns)));
  std::string tall = "y\n";
  for (std::size_t r = 0; r <= kMaxCsvRows; ++r) tall += "1\n";
  EXPECT_TRUE(contains(error_of([&] { parse_csv(tall, "t.csv"); }),
                       fmt::format("t.csv:{}: more than the {} data rows allowed", kMaxCsvRows + 2, kMaxCsvRows)));
}

TEST(Hostile, NothingIsSilentlyAcceptedOrDropped) {
  // A sign after a sign is not a number.
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,+-1\n", "d.csv"); }), "holds '+-1', which is not a number"));
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,++1\n", "d.csv"); }), "which is not a number"));
  EXPECT_EQ(parse_csv("a,y\n+1,-1\n", "d.csv").rows[0], (std::vector<float>{1, -1}));
  // The same target twice.
  EXPECT_TRUE(contains(error_of([] { split_columns(parse_csv("a,y\n1,2\n", "d.csv"), {"y", "y"}, "d.csv"); }),
                       "the target column 'y' is named twice"));
  // A tensor file naming one tensor twice (the first copy would win on load).
  const Tensor t = Tensor::from_rows({{1, 2}});
  const std::string twice = tensor_file::encode("torch.state_dict", {{"w", t}, {"w", Tensor::zeros({1, 2})}});
  EXPECT_TRUE(contains(error_of([&] { tensor_file::decode(twice, "torch.state_dict", "x.pt"); }),
                       "the tensor name 'w' appears twice"));
  // A duplicate header name among many columns is found in O(n log n), not O(n^2) (26 s before).
  std::string header;
  for (std::size_t c = 0; c < kMaxCsvColumns - 1; ++c) header += fmt::format("c{},", c);
  header += "c5";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(contains(error_of([&] { parse_csv(header + "\n", "h.csv"); }),
                       fmt::format("column name 'c5' appears twice (columns 6 and {})", kMaxCsvColumns)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(Hostile, ErrorsSayWhatIsWrong) {
  TempDir dir("duet_hostile");
  // A directory is named as such, not "empty" or "not a Duet tensor file".
  EXPECT_TRUE(contains(error_of([&] { read_csv(dir / ""); }), "it is a directory, not a regular file"));
  EXPECT_TRUE(contains(error_of([&] { tensor_file::load(dir / "", "keras.weights"); }), "it is a directory"));
  // The operating system's reason.
  EXPECT_TRUE(contains(error_of([&] { read_csv(dir / "missing.csv"); }), "No such file or directory"));
  // A number out of float32's range is a number, too large.
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,1e39\n", "d.csv"); }),
                       "column 'y' holds '1e39', a number too large for float32"));
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,-1e400\n", "d.csv"); }), "too large for float32"));
  EXPECT_EQ(parse_csv("a,y\n1,1e-50\n", "d.csv").rows[0][1], 0.0f);  // rounds to zero, as numpy.float32
  // As a spreadsheet program writes it: a UTF-8 byte-order mark, quoted names, CRLF.
  const CsvTable sheet = parse_csv("\xEF\xBB\xBF\"x 1\",\"the \"\"y\"\"\",\"z,\nw\"\r\n1,\"2\",3\r\n", "s.csv");
  EXPECT_EQ(sheet.header, (std::vector<std::string>{"x 1", "the \"y\"", "z,\nw"}));
  EXPECT_EQ(sheet.rows, (std::vector<std::vector<float>>{{1, 2, 3}}));
  EXPECT_EQ(split_columns(sheet, {"the \"y\""}, "s.csv").y.to_rows(), (std::vector<std::vector<float>>{{2}}));
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,\"2\n", "d.csv"); }), "d.csv:3: the quoted cell opened on line 2 is never closed"));
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,\"2\"x\n", "d.csv"); }), "d.csv:2: text after the closing quote"));
  EXPECT_TRUE(contains(error_of([] { parse_csv("a,y\n1,2\"\n", "d.csv"); }), "a quote inside the unquoted cell '2\"'"));
}

}  // namespace
}  // namespace duet
