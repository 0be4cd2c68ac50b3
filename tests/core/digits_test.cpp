// The shipped digits data set and its loader: the counts scikit-learn documents, the first image,
// and errors for files that are not the digits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "duet/core/datasets.h"
#include "duet/core/error.h"

namespace duet::test {
namespace {

TEST(Digits, ShapesCountsAndTheFirstImage) {
  const auto [x, y] = datasets::digits(DUET_DIGITS_CSV);
  EXPECT_EQ(x.shape(), (Shape{1797, 64}));
  EXPECT_EQ(y.shape(), (Shape{1797, 1}));
  // scikit-learn's load_digits: 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 images of 0..9.
  std::vector<int> counts(10);
  for (Eigen::Index i = 0; i < y.data().size(); ++i) ++counts[static_cast<std::size_t>(y.data()[i])];
  EXPECT_EQ(counts, (std::vector<int>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}));
  // digits.images[0], a zero: its first two rows.
  const std::vector<float> first(x.data().data(), x.data().data() + 16);
  EXPECT_EQ(first, (std::vector<float>{0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0}));
  EXPECT_EQ(y.data()[0], 0.0f);
  EXPECT_EQ(x.data().maxCoeff(), 16.0f);
}

TEST(Digits, AFileOfAnotherFormIsOneClearError) {
  const auto dir = std::filesystem::temp_directory_path() / "duet_digits_test";
  std::filesystem::create_directories(dir);
  const auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  std::string header, row;
  for (int i = 0; i < 64; ++i) {
    header.append("p").append(std::to_string(i)).append(",");
    row.append("1,");
  }
  EXPECT_THROW(datasets::digits(write("few.csv", "a,b,digit\n1,2,3\n")), Error);
  try {
    datasets::digits(write("bad.csv", header + "digit\n" + row + "3\n" + row + "12\n"));
    ADD_FAILURE() << "no error for the digit 12";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("data row 2"), std::string::npos) << what;
    EXPECT_NE(what.find("'digit' holds 12"), std::string::npos) << what;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace duet::test
