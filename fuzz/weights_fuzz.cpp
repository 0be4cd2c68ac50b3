// libFuzzer target: the keras_like weights loader (load_weights) on arbitrary file contents.
// A rejected file must leave the model unchanged.
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
  static const std::string path = "/tmp/duet_weights_fuzz_" + std::to_string(::getpid()) + ".weights";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  keras::utils::set_random_seed(0);
  keras::Sequential model({keras::layers::Dense(3, {.input_shape = {2}}), keras::layers::Dense(1)});
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
