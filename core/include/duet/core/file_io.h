/// @file
/// Reading and writing whole files safely, shared by every reader and every save in Duet
/// (experiment and CSV files, torch state files, Keras weight files, duet-compare --plot).
///
/// Reading takes only regular files (a directory, device or FIFO is named as such, so
/// `/dev/zero` cannot grow memory without end) and refuses files larger than a limit before
/// allocating anything.
///
/// Writing never touches the target until the new content is complete: the bytes go to a
/// temporary file with a unique, unpredictable name, created exclusively (O_EXCL | O_NOFOLLOW)
/// in the target's folder, are flushed to disk (fsync) and the temporary is renamed over the
/// target. A target that exists and is not a regular file (a device node such as /dev/null, a
/// folder, a FIFO) is refused; a symbolic link to a regular file is replaced by the new file,
/// not followed. No temporary file is left behind on any error; one left by a killed process
/// has a name no later save reuses, so it is harmless (and can be deleted).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace duet::file_io {

/// The whole content of the regular file at `path`. `what` names the file's role in errors
/// ("experiment file", "CSV file"); every error names the path and the operating system's
/// reason. Throws duet::Error when the path is not a regular file or is larger than
/// `max_bytes` (the message names the limit and the size).
std::string read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes, const std::string& what);

/// Replaces (or creates) the file at `path` with `bytes`, atomically (see the file comment).
/// Throws duet::Error naming the path and the operating system's reason on any failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// Test hook: when set, write_file_atomically() throws after writing and flushing the
/// temporary file and before renaming it, as a crash there would stop it (the temporary is
/// removed, as the error path does).
void simulate_crash_before_rename(bool on);

}  // namespace duet::file_io
