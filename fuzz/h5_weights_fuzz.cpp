// libFuzzer target: Keras weight files through libhdf5 (Keras 3 .weights.h5 and legacy Keras 2
// .h5 readers; the input's first byte picks which). A rejected file must leave the model
// unchanged. libhdf5 itself parses the bytes: a crash inside it is reported like any other.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "duet/core/error.h"
#include "duet/keras.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace keras = duet::keras;
  if (size == 0) return 0;
  const bool legacy = (data[0] & 1) != 0;
  static const std::string stem = "/tmp/duet_h5_fuzz_" + std::to_string(::getpid());
  const std::string path = stem + (legacy ? ".h5" : ".weights.h5");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  keras::utils::set_random_seed(0);
  keras::Sequential model({keras::layers::Dense(4, {.activation = "relu", .input_shape = {3}}), keras::layers::Dense(2)});
  const auto before = model.get_weights();
  try {
    model.load_weights(path);
  } catch (const duet::Error&) {
    const auto after = model.get_weights();
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (!(before[i].data() == after[i].data()).all()) std::abort();  // half-loaded
    }
  }
  return 0;
}
