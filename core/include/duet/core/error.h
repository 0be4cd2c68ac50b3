/// @file
/// The one exception type Duet throws for bad input: a sentence that names what is wrong and
/// where, so a front-end or the comparator can show it as a single line.
#pragma once

#include <stdexcept>
#include <string>

namespace duet {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace duet
