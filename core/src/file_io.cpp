// Whole-file reads of regular files only, and atomic writes through an exclusive temporary
// (duet/core/file_io.h).
#include "duet/core/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "duet/core/error.h"

namespace duet::file_io {

namespace {

std::atomic<bool> g_simulate_crash{false};

// "a directory", "a character device", ...: what a path that is not a regular file is.
const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string os_reason(int err) { return std::strerror(err); }

// 16 hex digits no other process or earlier run is likely to pick, so a stale temporary left by
// a killed save is never reused and two processes saving the same path never share one.
std::string unique_suffix() {
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ static_cast<std::uint64_t>(::getpid());
  }());
  return fmt::format("{:016x}", gen());
}

// Owns the temporary file until it is renamed: closes and unlinks it on every other way out.
class Temporary {
 public:
  Temporary(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;
  ~Temporary() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  // Closes the descriptor; returns errno on failure (a delayed write error can surface here).
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  void keep() { kept_ = true; }

 private:
  int fd_;
  std::filesystem::path path_;
  bool kept_ = false;
};

}  // namespace

void simulate_crash_before_rename(bool on) { g_simulate_crash = on; }

std::string read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes, const std::string& what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) throw Error(fmt::format("cannot open {} '{}': {}", what, path.string(), os_reason(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error(fmt::format("cannot read {} '{}': {}", what, path.string(), os_reason(errno)));
  if (!S_ISREG(st.st_mode)) {
    throw Error(fmt::format("cannot read {} '{}': it is {}, not a regular file", what, path.string(), kind_of(st.st_mode)));
  }
  const auto too_large = [&](std::uintmax_t size) {
    return Error(fmt::format("{} '{}' is {} bytes, more than the limit of {} bytes", what, path.string(), size, max_bytes));
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) throw too_large(static_cast<std::uintmax_t>(st.st_size));
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("cannot read {} '{}': {}", what, path.string(), os_reason(errno)));
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
    // The file may grow while it is read; the limit holds for what is read, not just for fstat.
    if (bytes.size() > max_bytes) throw too_large(bytes.size());
  }
  return bytes;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::string target = path.string();
  const std::string name = path.filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw Error(fmt::format("cannot write '{}': the path names a directory, not a file", target));
  }
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    throw Error(fmt::format("cannot write '{}': it is {}, not a regular file; refusing to replace it", target,
                            kind_of(st.st_mode)));
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // ".<name>.<16 hex>.tmp", the name shortened so the whole stays within NAME_MAX (255).
  const std::string stem = name.substr(0, 200);
  int fd = -1;
  std::filesystem::path tmp;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = dir / ("." + stem + "." + unique_suffix() + ".tmp");
    // O_EXCL | O_NOFOLLOW: never open an existing file or follow a planted symbolic link.
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    throw Error(fmt::format("cannot write '{}': cannot create a temporary file in '{}': {}", target, dir.string(),
                            os_reason(errno)));
  }
  Temporary temp(fd, tmp);
  // The replacement keeps the permissions of the file it replaces (a private file stays private).
  if (exists) (void)::fchmod(fd, st.st_mode & 07777);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("cannot write '{}': {}", target, os_reason(errno)));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw Error(fmt::format("cannot flush '{}' to disk: {}", target, os_reason(errno)));
  if (const int err = temp.close(); err != 0) throw Error(fmt::format("cannot write '{}': {}", target, os_reason(err)));
  if (g_simulate_crash) throw Error(fmt::format("cannot write '{}': simulated crash before the rename", target));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(fmt::format("cannot replace '{}': {}", target, os_reason(errno)));
  }
  temp.keep();
  // Make the rename itself durable; a failure here leaves a complete file, so it is not an error.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace duet::file_io
