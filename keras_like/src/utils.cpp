#include "duet/keras/utils.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <random>

namespace duet::keras::utils {

Generator& default_generator() {
  static Generator generator(std::random_device{}());
  return generator;
}

void set_random_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("keras", std::make_shared<spdlog::sinks::stdout_sink_st>());
    // The message text only, and no automatic newline: the progress bar redraws its line.
    l->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::local, ""));
    l->flush_on(spdlog::level::info);
    return l;
  }();
  return instance;
}

}  // namespace duet::keras::utils
