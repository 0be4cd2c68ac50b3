// The learning-rate callbacks, following keras/src/callbacks/learning_rate_scheduler.py and
// reduce_lr_on_plateau.py.
#include "duet/keras/lr_callbacks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "duet/core/error.h"
#include "duet/keras/sequential.h"
#include "duet/keras/utils.h"

namespace duet::keras::callbacks {

LearningRateScheduler::LearningRateScheduler(Schedule schedule, int verbose)
    : schedule_(std::move(schedule)), verbose_(verbose) {
  if (!schedule_) throw Error("LearningRateScheduler: the schedule is empty");
}

void LearningRateScheduler::on_epoch_begin(int epoch, const Logs&) {
  auto& optimizer = model().optimizer();
  const float lr = schedule_(epoch, optimizer.learning_rate());
  if (!std::isfinite(lr)) {
    throw Error(fmt::format("LearningRateScheduler: The output of the `schedule` function should be a float. Got: {}", lr));
  }
  optimizer.set_learning_rate(lr);
  if (verbose_ > 0) {
    utils::logger()->info("\nEpoch {}: LearningRateScheduler setting learning rate to {}.\n", epoch + 1, lr);
  }
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options) : options_(std::move(options)) {
  if (options_.factor >= 1.0f) {
    throw Error(fmt::format("ReduceLROnPlateau does not support a factor >= 1.0. Received factor={:g}", options_.factor));
  }
  const auto& m = options_.mode;
  if (m != "auto" && m != "min" && m != "max") {
    throw Error("ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', got '" + m + "'");
  }
  if (options_.patience < 0) throw Error("ReduceLROnPlateau: patience must not be negative");
  maximize_ = m == "max" || (m == "auto" && options_.monitor.find("acc") != std::string::npos);
}

void ReduceLROnPlateau::on_train_begin(const Logs&) {
  best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  wait_ = 0;
  cooldown_counter_ = 0;
}

bool ReduceLROnPlateau::improved(double current) const {
  const double d = options_.min_delta;
  return maximize_ ? current > best_ + d : current < best_ - d;
}

void ReduceLROnPlateau::on_epoch_end(int epoch, const Logs& logs) {
  const auto it = logs.find(options_.monitor);
  if (it == logs.end()) {
    if (!warned_) {
      std::string available;
      for (const auto& [k, _] : logs) available += (available.empty() ? "" : ",") + k;
      utils::logger()->warn("Learning rate reduction is conditioned on metric `{}` which is not available. Available "
                            "metrics are: {}.\n",
                            options_.monitor, available);
      warned_ = true;
    }
    return;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  if (improved(it->second)) {
    best_ = it->second;
    wait_ = 0;
    return;
  }
  if (cooldown_counter_ > 0) return;
  if (++wait_ < options_.patience) return;
  auto& optimizer = model().optimizer();
  const float old_lr = optimizer.learning_rate();
  if (old_lr > options_.min_lr) {
    const float new_lr = std::max(old_lr * options_.factor, options_.min_lr);
    optimizer.set_learning_rate(new_lr);
    if (options_.verbose > 0) {
      utils::logger()->info("\nEpoch {}: ReduceLROnPlateau reducing learning rate to {}.\n", epoch + 1, new_lr);
    }
    cooldown_counter_ = options_.cooldown;
    wait_ = 0;
  }
}

}  // namespace duet::keras::callbacks
