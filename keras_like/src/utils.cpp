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

namespace {
// The message text only, and no automatic newline: the progress bar redraws its own line.
std::unique_ptr<spdlog::formatter> keras_formatter() {
  return std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::local, "");
}
}  // namespace

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("keras", std::make_shared<spdlog::sinks::stdout_sink_st>());
    l->set_formatter(keras_formatter());
    l->flush_on(spdlog::level::info);
    return l;
  }();
  return instance;
}

std::vector<spdlog::sink_ptr> set_output_sink(spdlog::sink_ptr sink) {
  auto previous = logger()->sinks();
  sink->set_formatter(keras_formatter());
  logger()->sinks() = {std::move(sink)};
  return previous;
}

void restore_output_sinks(std::vector<spdlog::sink_ptr> sinks) { logger()->sinks() = std::move(sinks); }

}  // namespace duet::keras::utils
