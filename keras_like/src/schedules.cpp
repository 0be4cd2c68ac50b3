// Keras 3's learning-rate schedules, evaluated in float32 at the optimiser's step count.
#include "duet/keras/schedules.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <numbers>

#include "duet/core/error.h"

namespace duet::keras::optimizers::schedules {

namespace {
void require_decay_steps(std::int64_t decay_steps, const char* schedule) {
  if (decay_steps <= 0) {
    throw Error(fmt::format("{}: Argument `decay_steps` must be > 0. Received: decay_steps={}", schedule, decay_steps));
  }
}
// step / decay_steps in float32, floored for a staircase (learning_rate_schedule.py casts both).
float progress(std::int64_t step, std::int64_t decay_steps, bool staircase) {
  const float p = static_cast<float>(step) / static_cast<float>(decay_steps);
  return staircase ? std::floor(p) : p;
}
const char* python_bool(bool b) { return b ? "True" : "False"; }
}  // namespace

RateDecay::RateDecay(const char* schedule, float initial_learning_rate, std::int64_t decay_steps, float decay_rate,
                     bool staircase)
    : initial_learning_rate_(initial_learning_rate),
      decay_steps_(decay_steps),
      decay_rate_(decay_rate),
      staircase_(staircase) {
  require_decay_steps(decay_steps, schedule);
}

float RateDecay::progress(std::int64_t step) const { return schedules::progress(step, decay_steps_, staircase_); }

ExponentialDecay::ExponentialDecay(float initial_learning_rate, std::int64_t decay_steps, float decay_rate,
                                   bool staircase)
    : RateDecay("ExponentialDecay", initial_learning_rate, decay_steps, decay_rate, staircase) {}

float ExponentialDecay::operator()(std::int64_t step) const {
  return initial_learning_rate_ * std::pow(decay_rate_, progress(step));
}

std::string ExponentialDecay::text() const {
  return fmt::format("ExponentialDecay(initial_learning_rate={:g}, decay_steps={}, decay_rate={:g}{})",
                     initial_learning_rate_, decay_steps_, decay_rate_, staircase_ ? ", staircase=True" : "");
}

PiecewiseConstantDecay::PiecewiseConstantDecay(std::vector<std::int64_t> boundaries, std::vector<float> values)
    : boundaries_(std::move(boundaries)), values_(std::move(values)) {
  if (boundaries_.size() + 1 != values_.size()) {
    throw Error(fmt::format("PiecewiseConstantDecay: The length of boundaries should be 1 less than the length of "
                            "values. Received: boundaries=[{}] of length {}, and values=[{}] of length {}.",
                            fmt::join(boundaries_, ", "), boundaries_.size(), fmt::join(values_, ", "), values_.size()));
  }
  // Keras documents "strictly increasing entries" without checking; an unordered list would make
  // a step fall in two ranges and sum their values, so it is refused here.
  for (std::size_t i = 1; i < boundaries_.size(); ++i) {
    if (boundaries_[i] <= boundaries_[i - 1]) {
      throw Error(fmt::format("PiecewiseConstantDecay: boundaries must increase strictly. Received: boundaries=[{}]",
                              fmt::join(boundaries_, ", ")));
    }
  }
}

float PiecewiseConstantDecay::operator()(std::int64_t step) const {
  std::size_t i = 0;
  while (i < boundaries_.size() && step > boundaries_[i]) ++i;
  return values_[i];
}

std::string PiecewiseConstantDecay::text() const {
  return fmt::format("PiecewiseConstantDecay(boundaries=[{}], values=[{}])", fmt::join(boundaries_, ", "),
                     fmt::join(values_, ", "));
}

CosineDecay::CosineDecay(float initial_learning_rate, std::int64_t decay_steps, float alpha)
    : initial_learning_rate_(initial_learning_rate), decay_steps_(decay_steps), alpha_(alpha) {
  require_decay_steps(decay_steps, "CosineDecay");
}

float CosineDecay::operator()(std::int64_t step) const {
  const float fraction = static_cast<float>(std::min(step, decay_steps_)) / static_cast<float>(decay_steps_);
  const float cosine = 0.5f * (1.0f + std::cos(std::numbers::pi_v<float> * fraction));
  return initial_learning_rate_ * ((1.0f - alpha_) * cosine + alpha_);
}

std::string CosineDecay::text() const {
  return fmt::format("CosineDecay(initial_learning_rate={:g}, decay_steps={}{})", initial_learning_rate_, decay_steps_,
                     alpha_ != 0.0f ? fmt::format(", alpha={:g}", alpha_) : "");
}

InverseTimeDecay::InverseTimeDecay(float initial_learning_rate, std::int64_t decay_steps, float decay_rate,
                                   bool staircase)
    : RateDecay("InverseTimeDecay", initial_learning_rate, decay_steps, decay_rate, staircase) {}

float InverseTimeDecay::operator()(std::int64_t step) const {
  return initial_learning_rate_ / (1.0f + decay_rate_ * progress(step));
}

std::string InverseTimeDecay::text() const {
  return fmt::format("InverseTimeDecay(initial_learning_rate={:g}, decay_steps={}, decay_rate={:g}, staircase={})",
                     initial_learning_rate_, decay_steps_, decay_rate_, python_bool(staircase_));
}

}  // namespace duet::keras::optimizers::schedules
