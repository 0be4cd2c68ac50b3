// Keras 3's console look beside tf.keras 2's (duet/keras/console.h). The expected text is Keras
// 3's own format: keras/src/utils/progbar.py (count, a 20-glyph U+2501 bar, time, time per step,
// metrics; verbose 2 "n/n - 0s - 2ms/step - loss: ...") and summary_utils.py as rich renders it
// into 80 columns (cells 33 / 24 / 15, heavy head, a rule between rows, right-aligned counts).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "duet/keras.h"
#include "duet/keras/console.h"
#include "progbar.h"
#include "support/captured_output.h"
#include "support/tensor_checks.h"

namespace duet::keras {
namespace {

using test::CapturedOutput;

// Sets the look for one test and restores Keras 2's after it.
class Keras3Look {
 public:
  Keras3Look() { config::set_console_look(config::ConsoleLook::keras3); }
  ~Keras3Look() { config::set_console_look(config::ConsoleLook::keras2); }
};

const std::string kBar = "━━━━━━━━━━━━━━━━━━━━";  // 20 x U+2501

Sequential article_model() {
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.set_weights({Tensor::from_rows({{0.5f}}), Tensor::from_data({1}, {0.0f})});
  model.compile("sgd", "mse");
  return model;
}

using test::kArticleXs;
using test::kArticleYs;

TEST(ConsoleLook, Keras2IsTheDefault) { EXPECT_EQ(config::console_look(), config::ConsoleLook::keras2); }

TEST(ConsoleLook, Keras3FitLinesWhenNotATerminal) {
  Keras3Look look;
  CapturedOutput out;
  Sequential model = article_model();
  model.fit(kArticleXs, kArticleYs, {.epochs = 2});
  const std::regex expected("Epoch 1/2\n1/1 " + kBar + " 0s \\d+(us|ms)/step - loss: 8\\.1250\nEpoch 2/2\n1/1 " + kBar +
                            " 0s \\d+(us|ms)/step - loss: \\d\\.\\d{4}\n");
  EXPECT_TRUE(std::regex_match(out.text(), expected)) << out.text();
}

TEST(ConsoleLook, Keras3VerboseTwoPutsTimePerStepBeforeTheMetrics) {
  Keras3Look look;
  CapturedOutput out;
  Sequential model = article_model();
  model.fit(kArticleXs, kArticleYs, {.epochs = 1, .verbose = 2});
  EXPECT_TRUE(std::regex_match(out.text(), std::regex("Epoch 1/1\n1/1 - 0s - \\d+(us|ms)/step - loss: 8\\.1250\n")))
      << out.text();
}

TEST(ConsoleLook, Keras3LiveBarIsColouredOnATerminal) {
  Keras3Look look;
  CapturedOutput out;
  detail::Progbar bar(40, 1, /*dynamic_display=*/true);
  bar.update(1, {{"loss", 0.5}});  // 1/40: int(20 / 40) = 0 glyphs done, all 20 grey, ETA bold
  bar.update(40, {{"loss", 0.1234}}, /*finalize=*/true);
  const std::string text = out.text();
  EXPECT_EQ(text.rfind("\r\x1b[1m 1/40\x1b[0m \x1b[37m" + kBar + "\x1b[0m \x1b[1m", 0), 0u) << text;
  EXPECT_NE(text.find("\r\x1b[1m40/40\x1b[0m \x1b[32m" + kBar + "\x1b[0m\x1b[37m\x1b[0m \x1b[1m0s\x1b[0m"), std::string::npos)
      << text;
  EXPECT_NE(text.find("/step - loss: 0.1234"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(ConsoleLook, Keras3SummaryIsABoxedTable) {
  Keras3Look look;
  Sequential model({layers::Dense(1000, {.input_shape = {2}}), layers::Dense(1)});
  const std::string expected =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
      "│ dense (Dense)                   │ (None, 1000)           │         3,000 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense_1 (Dense)                 │ (None, 1)              │         1,001 │\n"
      "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
      " Total params: 4,001 (15.63 KB)\n"
      " Trainable params: 4,001 (15.63 KB)\n"
      " Non-trainable params: 0 (0.00 B)\n";
  EXPECT_EQ(model.summary_text(), expected);
  Sequential unbuilt({layers::Dense(2)});
  EXPECT_NE(unbuilt.summary_text().find("│ dense (Dense)                   │ ?                      │   0 (unbuilt) │"),
            std::string::npos)
      << unbuilt.summary_text();
}

}  // namespace
}  // namespace duet::keras
