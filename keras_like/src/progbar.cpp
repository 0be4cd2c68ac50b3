#include "progbar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "duet/keras/console.h"
#include "duet/keras/utils.h"

namespace duet::keras::detail {

namespace {
constexpr int kBarWidth = 30;
constexpr double kUpdateInterval = 0.05;  // seconds between live redraws, as Keras
constexpr int kKeras3BarWidth = 20;       // Progbar(width=20) in Keras 3

// "1:02:03", "2:03" or "3s", as Keras formats an ETA.
std::string eta_text(double eta) {
  const int t = static_cast<int>(eta);
  if (eta > 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60);
  if (eta > 60) return fmt::format("{}:{:02}", t / 60, t % 60);
  return fmt::format("{}s", t);
}

// The glyph Keras 3 draws its bar with, U+2501 BOX DRAWINGS HEAVY HORIZONTAL.
std::string heavy_rule(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\u2501";
  return s;
}
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

std::pair<std::string, std::size_t> Progbar::bar_keras3(int current) const {
  const int digits = static_cast<int>(std::log10(target_)) + 1;
  const std::string count = fmt::format("{:>{}}/{}", current, digits, target_);
  const int done = static_cast<int>(kKeras3BarWidth * static_cast<double>(current) / target_);
  std::string s;
  if (dynamic_) {
    s = "\x1b[1m" + count + "\x1b[0m ";
    if (done > 0) s += "\x1b[32m" + heavy_rule(done) + "\x1b[0m";
    s += "\x1b[37m" + heavy_rule(kKeras3BarWidth - done) + "\x1b[0m";
  } else {
    s = count + " " + heavy_rule(kKeras3BarWidth);
  }
  return {s, count.size() + 1 + kKeras3BarWidth};
}

void Progbar::update_keras3(int current, double now, double per_step,
                            const std::vector<std::pair<std::string, double>>& values, bool finalize) {
  auto log = utils::logger();
  if (verbose_ == 2) {
    if (!finalize) return;
    const int digits = static_cast<int>(std::log10(target_)) + 1;
    std::string line = fmt::format("{:>{}}/{} - {:.0f}s -{}", current, digits, target_, now, format_time(per_step, "step"));
    // Keras 3's verbose-2 line tests avg > 1e-3 without abs(), unlike its live bar.
    for (const auto& [name, v] : values) line += " - " + name + ":" + (v > 1e-3 ? fmt::format(" {:.4f}", v) : fmt::format(" {:.4e}", v));
    log->info("{}\n", line);
    return;
  }
  if (!finalize && (!dynamic_ || now - last_update_ < kUpdateInterval)) return;
  last_update_ = now;
  auto [line, width] = bar_keras3(current);
  // While running the time field is the ETA, at the end the time taken; both bold on a terminal.
  const std::string time = finalize ? fmt::format("{:.0f}s", now) : eta_text(per_step * (target_ - current));
  std::string info = " " + (dynamic_ ? "\x1b[1m" + time + "\x1b[0m" : time) + format_time(per_step, "step");
  std::size_t info_width = 1 + time.size() + format_time(per_step, "step").size();
  for (const auto& [name, v] : values) {
    const std::string metric = " - " + name + ":" + format_value(v);
    info += metric;
    info_width += metric.size();
  }
  line += info;
  width += info_width;
  if (dynamic_ && previous_width_ > width) line.append(previous_width_ - width, ' ');  // erase the old tail
  previous_width_ = width;
  log->info("{}{}{}", dynamic_ ? "\r" : "", line, finalize ? "\n" : "");
}

void Progbar::update(int current, const std::vector<std::pair<std::string, double>>& values, bool finalize) {
  if (verbose_ == 0 || target_ <= 0) return;
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_step = step_duration(current, now);
  if (config::console_look() == config::ConsoleLook::keras3) {
    update_keras3(current, now, per_step, values, finalize);
    return;
  }
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
