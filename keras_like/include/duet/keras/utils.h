/// @file
/// keras.utils: the seed behind initialisers and shuffling, and the logger Keras' output uses.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "duet/core/random.h"

namespace duet::keras::utils {

/// keras.utils.set_random_seed(n). Until it is called the generator is seeded from the
/// system's entropy, so (as in Keras) an unseeded program draws new weights each run.
void set_random_seed(std::uint64_t seed);
Generator& default_generator();

/// Where fit() and evaluate() print (spdlog logger "keras", stdout, message text only).
std::shared_ptr<spdlog::logger> logger();
/// Sends Keras' output to `sink` instead (for example an ostream sink to capture it), with
/// Keras' formatting: the text only, no added newline. Returns the sinks it replaced.
std::vector<spdlog::sink_ptr> set_output_sink(spdlog::sink_ptr sink);
void restore_output_sinks(std::vector<spdlog::sink_ptr> sinks);

}  // namespace duet::keras::utils
