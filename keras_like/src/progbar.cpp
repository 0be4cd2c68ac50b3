#include "progbar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "duet/keras/utils.h"

namespace duet::keras::detail {

namespace {
constexpr int kBarWidth = 30;
constexpr double kUpdateInterval = 0.05;  // seconds between live redraws, as Keras
}  // namespace

bool stdout_is_terminal() { return isatty(fileno(stdout)) != 0; }

Progbar::Progbar(int target, int verbose, bool dynamic_display)
    : target_(target), verbose_(verbose), dynamic_(dynamic_display), start_(std::chrono::steady_clock::now()) {}

std::string Progbar::format_value(double v) {
  return std::abs(v) > 1e-3 ? fmt::format(" {:.4f}", v) : fmt::format(" {:.4e}", v);
}

std::string Progbar::format_time(double t, const char* unit) {
  if (t >= 1 || t == 0) return fmt::format(" {:.0f}s/{}", t, unit);
  if (t >= 1e-3) return fmt::format(" {:.0f}ms/{}", t * 1e3, unit);
  return fmt::format(" {:.0f}us/{}", t * 1e6, unit);
}

std::string Progbar::bar(int current) const {
  const int digits = static_cast<int>(std::log10(target_)) + 1;
  std::string s = fmt::format("{:>{}}/{} [", current, digits, target_);
  const int width = static_cast<int>(kBarWidth * static_cast<double>(current) / target_);
  if (width > 0) {
    s.append(static_cast<std::size_t>(width - 1), '=');
    s += current < target_ ? '>' : '=';
  }
  s.append(static_cast<std::size_t>(kBarWidth - width), '.');
  return s + "]";
}

double Progbar::step_duration(int current, double now) {
  // The first step carries one-off costs; later estimates leave it out (Keras does the same).
  double per_step = (time_after_first_step_ >= 0 && current > 1)
                        ? (now - time_after_first_step_) / (current - 1)
                        : now / current;
  if (current == 1) time_after_first_step_ = now;
  return per_step;
}

void Progbar::update(int current, const std::vector<std::pair<std::string, double>>& values, bool finalize) {
  if (verbose_ == 0 || target_ <= 0) return;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_step = step_duration(current, now);
  std::string metrics;
  for (const auto& [name, v] : values) metrics += " - " + name + ":" + format_value(v);
  auto log = utils::logger();

  if (verbose_ == 2) {
    if (!finalize) return;
    log->info("{}/{} - {:.0f}s{} -{} -{}\n", current, target_, now, metrics, format_time(now, "epoch"),
              format_time(per_step, "step"));
    return;
  }
  if (!finalize && (!dynamic_ || now - last_update_ < kUpdateInterval)) return;
  last_update_ = now;
  std::string line = bar(current);
  if (finalize) {
    line += fmt::format(" - {:.0f}s{}", now, format_time(per_step, "step"));
  } else {
    const double eta = per_step * (target_ - current);
    line += eta > 3600   ? fmt::format(" - ETA: {}:{:02}:{:02}", int(eta) / 3600, int(eta) % 3600 / 60, int(eta) % 60)
            : eta > 60   ? fmt::format(" - ETA: {}:{:02}", int(eta) / 60, int(eta) % 60)
                         : fmt::format(" - ETA: {}s", int(eta));
  }
  line += metrics;
  const std::size_t width = line.size();
  if (dynamic_ && previous_width_ > width) line.append(previous_width_ - width, ' ');  // erase the old tail
  previous_width_ = width;
  log->info("{}{}{}", dynamic_ ? "\r" : "", line, finalize ? "\n" : "");
}

}  // namespace duet::keras::detail
