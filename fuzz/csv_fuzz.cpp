// libFuzzer target: the CSV loader and the feature/target split.
#include <cstddef>
#include <cstdint>
#include <string>

#include "duet/compare/csv.h"
#include "duet/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto table = duet::compare::parse_csv(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    duet::Tensor x, y;
    duet::compare::split_columns(table, {table.header.back()}, "fuzz.csv", x, y);
  } catch (const duet::Error&) {
  }
  return 0;
}
