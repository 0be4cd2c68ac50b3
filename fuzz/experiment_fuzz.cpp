// libFuzzer target: the experiment-file parser and validator. Bad input must end in a
// duet::Error (one clear message), never a crash, a hang or another exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto e = duet::compare::parse_experiment_text(std::string(reinterpret_cast<const char*>(data), size),
                                                        "/nonexistent-fuzz-dir");
    (void)e.keras_batch_size();
  } catch (const duet::Error&) {
  }
  return 0;
}
