/// @file
/// keras.optimizers.schedules (keras/src/optimizers/schedules/learning_rate_schedule.py): a
/// learning rate as a function of the optimiser's step count, which Keras evaluates at every
/// optimiser step (`iterations`, counted from 0), not once per epoch as PyTorch's schedulers are
/// usually stepped. Computed in float32, as Keras does for a float32 initial learning rate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace duet::keras::optimizers::schedules {

/// A learning rate per optimiser step.
class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  /// The learning rate for the update with this step count (0 for the first update).
  virtual float operator()(std::int64_t step) const = 0;
  /// The constructor call as a Keras user writes it, for reports.
  virtual std::string text() const = 0;
};

/// What ExponentialDecay and InverseTimeDecay share: their four arguments, decay_steps checked
/// positive, and the decay's progress step / decay_steps (floored with staircase).
class RateDecay : public LearningRateSchedule {
 protected:
  /// `schedule` names the subclass in the error for decay_steps <= 0.
  RateDecay(const char* schedule, float initial_learning_rate, std::int64_t decay_steps, float decay_rate,
            bool staircase);
  /// step / decay_steps in float32, floored with staircase.
  float progress(std::int64_t step) const;

  float initial_learning_rate_;
  std::int64_t decay_steps_;
  float decay_rate_;
  bool staircase_;
};

/// initial_learning_rate * decay_rate ^ (step / decay_steps); with staircase the exponent is
/// floored, so the rate drops once every decay_steps steps.
class ExponentialDecay : public RateDecay {
 public:
  ExponentialDecay(float initial_learning_rate, std::int64_t decay_steps, float decay_rate, bool staircase = false);
  float operator()(std::int64_t step) const override;
  std::string text() const override;
};

/// values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i],
/// values.back() after the last boundary. Boundaries must increase strictly.
class PiecewiseConstantDecay : public LearningRateSchedule {
 public:
  PiecewiseConstantDecay(std::vector<std::int64_t> boundaries, std::vector<float> values);
  float operator()(std::int64_t step) const override;
  std::string text() const override;

 private:
  std::vector<std::int64_t> boundaries_;
  std::vector<float> values_;
};

/// initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)
/// (Loshchilov & Hutter, SGDR, without restarts or warmup).
class CosineDecay : public LearningRateSchedule {
 public:
  CosineDecay(float initial_learning_rate, std::int64_t decay_steps, float alpha = 0.0f);
  float operator()(std::int64_t step) const override;
  std::string text() const override;

 private:
  float initial_learning_rate_;
  std::int64_t decay_steps_;
  float alpha_;
};

/// initial_learning_rate / (1 + decay_rate * step / decay_steps) (floored with staircase).
class InverseTimeDecay : public RateDecay {
 public:
  InverseTimeDecay(float initial_learning_rate, std::int64_t decay_steps, float decay_rate, bool staircase = false);
  float operator()(std::int64_t step) const override;
  std::string text() const override;
};

/// A schedule shared by the optimiser that evaluates it and whoever made it.
using ScheduleRef = std::shared_ptr<const LearningRateSchedule>;

}  // namespace duet::keras::optimizers::schedules
