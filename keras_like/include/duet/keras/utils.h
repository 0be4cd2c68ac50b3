// keras.utils: the seed behind initialisers and shuffling, and the logger Keras' output uses.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>

#include "duet/core/random.h"

namespace duet::keras::utils {

// keras.utils.set_random_seed(n). Until it is called the generator is seeded from the
// system's entropy, so (as in Keras) an unseeded program draws new weights each run.
void set_random_seed(std::uint64_t seed);
Generator& default_generator();

// Where fit() and evaluate() print (spdlog logger "keras", stdout, message text only).
// Replace its sinks to capture or silence the output.
std::shared_ptr<spdlog::logger> logger();

}  // namespace duet::keras::utils
