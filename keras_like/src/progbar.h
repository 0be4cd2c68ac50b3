// Internal: Keras' progress output (keras/utils/generic_utils.py Progbar, tf.keras 2.x look):
//   Epoch 3/500
//   12/40 [=====>........................] - ETA: 1s - loss: 0.1234     (live, on a terminal)
//   40/40 [==============================] - 0s 1ms/step - loss: 0.1234 (final line)
// verbose 2 prints one line per epoch: "40/40 - 0s - loss: 0.1234 - 12ms/epoch - 1ms/step".
// With config::ConsoleLook::keras3, Keras 3's look (keras/src/utils/progbar.py):
//   12/40 ━━━━━━━━━━━━━━━━━━━━ 1s 12ms/step - loss: 0.1234     (live: the ETA in place of "0s")
//   40/40 - 0s - 1ms/step - loss: 0.1234                        (verbose 2)
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace duet::keras::detail {

class Progbar {
 public:
  Progbar(int target, int verbose, bool dynamic_display);
  // Called after each batch with the running values (name, value) shown after the bar.
  void update(int current, const std::vector<std::pair<std::string, double>>& values, bool finalize = false);

  // "%.4f" above 1e-3 in magnitude, else "%.4e", as Keras prints metric values.
  static std::string format_value(double v);
  // Per-step time: "1s/step", "12ms/step" or "345us/step".
  static std::string format_time(double seconds_per_unit, const char* unit);

 private:
  std::string bar(int current) const;
  // Keras 3's bar: the count, then 20 `━`, green for done and grey for to do (colours only on a
  // terminal). Returns the text and its width on screen.
  std::pair<std::string, std::size_t> bar_keras3(int current) const;
  void update_keras3(int current, double now, double per_step, const std::vector<std::pair<std::string, double>>& values,
                     bool finalize);
  double step_duration(int current, double now);

  int target_;
  int verbose_;
  bool dynamic_;
  std::chrono::steady_clock::time_point start_;
  double last_update_ = -1e9;  // the first update always draws, as in Keras
  double time_after_first_step_ = -1;
  std::size_t previous_width_ = 0;
};

// True when stdout is a terminal (the live bar redraws; otherwise only final lines print).
bool stdout_is_terminal();

}  // namespace duet::keras::detail
