// core: whole-file reads of regular files only, and atomic saves through an exclusive temporary
// (duet/core/file_io.h), the code every reader and every save in Duet goes through.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "duet/core/error.h"
#include "duet/core/file_io.h"
#include "support/test_helpers.h"

namespace duet {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::TempDir;

using test::read_bytes;

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

TEST(FileIo, WritesReplacesAndKeepsPermissions) {
  TempDir dir("duet_file_io");
  file_io::write_file_atomically(dir / "a.txt", "first");
  EXPECT_EQ(read_bytes(dir / "a.txt"), "first");
  fs::permissions(dir / "a.txt", fs::perms::owner_read | fs::perms::owner_write);
  file_io::write_file_atomically(dir / "a.txt", "second, longer");
  EXPECT_EQ(read_bytes(dir / "a.txt"), "second, longer");
  EXPECT_EQ(fs::status(dir / "a.txt").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(names_in(dir / ""), std::set<std::string>{"a.txt"});  // no temporary left behind
}

// The class of bug: a save that follows, reuses or replaces something other than the regular
// file it was asked to write, or leaves a temporary behind when it fails.
TEST(FileIo, NeverClobbersWhatIsNotTheTargetFile) {
  TempDir dir("duet_file_io");
  // A device node and a directory are refused, not replaced.
  EXPECT_NE(error_of([] { file_io::write_file_atomically("/dev/null", "x"); }).find("a character device, not a regular file"),
            std::string::npos);
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  fs::create_directory(dir / "folder");
  EXPECT_NE(error_of([&] { file_io::write_file_atomically(dir / "folder", "x"); }).find("a directory, not a regular file"),
            std::string::npos);
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { file_io::write_file_atomically(dir / "fifo", "x"); }).find("FIFO"), std::string::npos);
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  // A symbolic link planted where the old code put its temporary ("PATH.tmp") is not followed.
  std::ofstream(dir / "victim") << "precious";
  fs::create_symlink(dir / "victim", dir / "out.svg.tmp");
  file_io::write_file_atomically(dir / "out.svg", "<svg/>");
  EXPECT_EQ(read_bytes(dir / "victim"), "precious");
  EXPECT_EQ(read_bytes(dir / "out.svg"), "<svg/>");
  // Errors name the operating system's reason and leave no temporary behind.
  EXPECT_NE(error_of([&] { file_io::write_file_atomically(dir / "missing" / "x", "x"); }).find("No such file or directory"),
            std::string::npos);
  file_io::simulate_crash_before_rename(true);
  EXPECT_THROW(file_io::write_file_atomically(dir / "out.svg", "new"), Error);
  file_io::simulate_crash_before_rename(false);
  EXPECT_EQ(read_bytes(dir / "out.svg"), "<svg/>");
  EXPECT_EQ(names_in(dir / ""), (std::set<std::string>{"fifo", "folder", "out.svg", "out.svg.tmp", "victim"}));
  // A stale temporary from a killed run (any name) does not stop the next save.
  std::ofstream(dir / ".out.svg.0000000000000000.tmp") << "stale";
  file_io::write_file_atomically(dir / "out.svg", "again");
  EXPECT_EQ(read_bytes(dir / "out.svg"), "again");
}

TEST(FileIo, TwoWritersOfOnePathNeverFailEachOther) {
  TempDir dir("duet_file_io");
  const std::string a(100000, 'a'), b(100000, 'b');
  std::atomic<int> failures{0};
  const auto writer = [&](const std::string& text) {
    for (int i = 0; i < 50; ++i) {
      try {
        file_io::write_file_atomically(dir / "shared", text);
      } catch (const Error&) {
        ++failures;
      }
    }
  };
  std::thread t1(writer, a), t2(writer, b);
  t1.join();
  t2.join();
  EXPECT_EQ(failures, 0);
  const std::string final_text = read_bytes(dir / "shared");
  EXPECT_TRUE(final_text == a || final_text == b);  // whole, never a mix
  EXPECT_EQ(names_in(dir / ""), std::set<std::string>{"shared"});
}

TEST(FileIo, ReadsOnlyRegularFilesWithinTheLimit) {
  TempDir dir("duet_file_io");
  std::ofstream(dir / "ten") << "0123456789";
  EXPECT_EQ(file_io::read_regular_file(dir / "ten", 10, "data file"), "0123456789");
  EXPECT_NE(error_of([&] { file_io::read_regular_file(dir / "ten", 9, "data file"); })
                .find("is 10 bytes, more than the limit of 9 bytes"),
            std::string::npos);
  EXPECT_NE(error_of([&] { file_io::read_regular_file(dir / "", 100, "data file"); }).find("a directory, not a regular file"),
            std::string::npos);
  // /dev/zero would otherwise grow memory until the process is killed.
  EXPECT_NE(error_of([] { file_io::read_regular_file("/dev/zero", 100, "data file"); }).find("a character device"),
            std::string::npos);
  EXPECT_NE(error_of([&] { file_io::read_regular_file(dir / "none", 100, "data file"); })
                .find("cannot open data file '" + (dir / "none").string() + "': No such file or directory"),
            std::string::npos);
}

}  // namespace
}  // namespace duet
