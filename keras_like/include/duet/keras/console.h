/// @file
/// Which Keras version's console output fit(), evaluate() and Sequential::summary() imitate.
/// Include it where you choose (duet/keras.h does not, to keep that header stable).
#pragma once

namespace duet::keras::config {

/// The two looks of Keras' console output.
enum class ConsoleLook {
  /// tf.keras 2, as the article shows: `6/6 [==============================] - 0s 2ms/step - loss: ...`
  /// and the summary table ruled with `_` and `=` (the default).
  keras2,
  /// Keras 3 (keras/src/utils/progbar.py, summary_utils.py): `6/6 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: ...`
  /// and the summary as a box-drawn table. On a terminal the bar is coloured with ANSI codes as
  /// Keras 3 does; written to a file or pipe it is plain text (Keras 3 writes the codes there too).
  keras3,
};

/// Sets the look for every later fit(), evaluate() and summary() of this process.
void set_console_look(ConsoleLook look);
/// The look in use (keras2 until set_console_look() is called).
ConsoleLook console_look();

}  // namespace duet::keras::config
