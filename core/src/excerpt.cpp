// Bounded, one-line quoting of values in error messages (duet/core/excerpt.h).
#include "duet/core/excerpt.h"

#include <fmt/format.h>

namespace duet {

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  std::size_t cut = std::min(text.size(), max_bytes);
  // Never split a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
  if (cut < text.size()) {
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out;
  out.reserve(cut + 24);
  for (std::size_t i = 0; i < cut; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut < text.size()) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

}  // namespace duet
