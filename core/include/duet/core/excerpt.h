/// @file
/// Quoting a value of any length in an error message: the message stays one short line however
/// long the value (a 20 MB string in a file) or whatever bytes it holds (newlines, control
/// characters).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace duet {

/// The longest excerpt() of a value an error message quotes, in bytes.
inline constexpr std::size_t kMaxQuotedBytes = 60;

/// `text` as it can be quoted on one line: control characters as `\xNN`, and when longer than
/// `max_bytes`, its first `max_bytes` bytes (cut at a UTF-8 character boundary) followed by
/// "... (N bytes)".
std::string excerpt(std::string_view text, std::size_t max_bytes = kMaxQuotedBytes);

}  // namespace duet
