// Sequential::summary: the layer table, then the parameter counts in Keras 3's words and format
// (keras/src/utils/summary_utils.py print_summary: "{:,}" counts and readable_memory_size).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "duet/keras/console.h"
#include "duet/keras/sequential.h"
#include "duet/keras/utils.h"

namespace duet::keras {

namespace {

// 1234567 -> "1,234,567" (Python's format spec ",").
std::string with_thousands(std::int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// Keras' readable_memory_size: bytes scaled by 1024 into B, KB, MB, ... with two decimals.
std::string readable_memory_size(double bytes) {
  constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  for (const char* unit : kUnits) {
    if (bytes / 1024 < 1) return fmt::format("{:.2f} {}", bytes, unit);
    bytes /= 1024;
  }
  return fmt::format("{:.2f} PB", bytes);
}

// One table row as tf.keras 2 prints it (keras/utils/layer_utils.py print_row): each column
// ends at its position with two spaces to spare (none after the last), and text that does not
// fit continues on the next lines.
std::string table_row(std::vector<std::string> fields) {
  constexpr std::size_t kPositions[] = {29, 55, 65};
  std::string out;
  auto left = [&] {
    for (const auto& f : fields)
      if (!f.empty()) return true;
    return false;
  };
  do {
    std::string line;
    for (std::size_t col = 0; col < fields.size(); ++col) {
      const std::size_t start = col > 0 ? kPositions[col - 1] : 0, space = col + 1 < fields.size() ? 2 : 0;
      const std::size_t cutoff = kPositions[col] - start - space;
      if (col == 0) line += ' ';
      line += fields[col].substr(0, cutoff);
      line.append(space, ' ');
      fields[col] = fields[col].size() > cutoff ? fields[col].substr(cutoff) : "";
      if (line.size() < kPositions[col]) line.append(kPositions[col] - line.size(), ' ');
    }
    out += line + "\n";
  } while (left());
  return out;
}

std::int64_t count(const std::vector<Tensor>& weights) {
  std::int64_t n = 0;
  for (const auto& w : weights) n += w.numel();
  return n;
}

// " Total params: 1,234 (4.82 KB)": every weight is float32, 4 bytes.
std::string count_line(const char* what, std::int64_t n) {
  return fmt::format(" {} params: {} ({})\n", what, with_thousands(n), readable_memory_size(4.0 * static_cast<double>(n)));
}

// Keras 3's table (summary_utils.py renders it with rich: box-drawn, a heavy head, a rule
// between rows). Column widths as Keras 3 prints to a file or pipe, where it takes the console
// as 80 columns: line length 76, cells 33 / 24 / 15 wide with one space of padding each side.
constexpr std::size_t kKeras3Cells[] = {33, 24, 15};

std::string repeat(const char* glyph, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += glyph;
  return s;
}

std::string keras3_rule(const char* left, const char* line, const char* cross, const char* right) {
  return std::string(left) + repeat(line, kKeras3Cells[0]) + cross + repeat(line, kKeras3Cells[1]) + cross +
         repeat(line, kKeras3Cells[2]) + right + "\n";
}

// One row; text longer than its cell continues on the next lines, as rich folds it.
std::string keras3_row(std::vector<std::string> fields, const char* bar) {
  std::string out;
  bool more = true;
  while (more) {
    more = false;
    std::string line = bar;
    for (std::size_t c = 0; c < 3; ++c) {
      const std::size_t width = kKeras3Cells[c] - 2;
      const std::string part = fields[c].substr(0, width);
      fields[c] = fields[c].size() > width ? fields[c].substr(width) : "";
      more = more || !fields[c].empty();
      // The parameter count is right-aligned (Keras 3's justify="right").
      line += c == 2 ? fmt::format(" {:>{}} ", part, width) : fmt::format(" {:<{}} ", part, width);
      line += bar;
    }
    out += line + "\n";
  }
  return out;
}

std::string summary_text_keras3(const Sequential& model) {
  std::string s = "Model: \"sequential\"\n";
  s += keras3_rule("\u250f", "\u2501", "\u2533", "\u2513");  // ┏━┳┓
  s += keras3_row({"Layer (type)", "Output Shape", "Param #"}, "\u2503");
  s += keras3_rule("\u2521", "\u2501", "\u2547", "\u2529");  // ┡━╇┩
  Shape shape = model.built_input_shape().value_or(Shape{});
  bool first = true;
  for (const auto& l : model.layers()) {
    if (l->class_name() == "InputLayer") continue;
    if (!first) s += keras3_rule("\u251c", "\u2500", "\u253c", "\u2524");  // ├─┼┤
    first = false;
    std::string out_shape = "?";
    if (model.built()) {
      shape = l->compute_output_shape(shape);
      out_shape = fmt::format("(None, {})", fmt::join(shape, ", "));
    }
    // Keras 3 (summary_utils.py get_layer_fields) marks a layer not built yet "0 (unbuilt)".
    const std::string params = l->built() ? with_thousands(l->count_params()) : "0 (unbuilt)";
    s += keras3_row({fmt::format("{} ({})", l->name(), l->class_name()), out_shape, params}, "\u2502");
  }
  s += keras3_rule("\u2514", "\u2500", "\u2534", "\u2518");  // └─┴┘
  const std::int64_t trainable = count(model.trainable_weights()), non_trainable = count(model.non_trainable_weights());
  s += count_line("Total", trainable + non_trainable);
  s += count_line("Trainable", trainable);
  return s + count_line("Non-trainable", non_trainable);
}

}  // namespace

std::string Sequential::summary_text() const {
  if (config::console_look() == config::ConsoleLook::keras3) return summary_text_keras3(*this);
  // tf.keras 2's table (keras/utils/layer_utils.py print_summary), columns ending at 29 / 55 / 65.
  const std::string rule(65, '_'), thick(65, '=');
  std::string s = "Model: \"sequential\"\n" + rule + "\n";
  s += table_row({"Layer (type)", "Output Shape", "Param #"});
  s += thick + "\n";
  Shape shape = input_shape_.value_or(Shape{});
  bool first = true;
  for (const auto& l : layers_) {
    if (l->class_name() == "InputLayer") continue;
    if (!first) s += std::string(65, ' ') + "\n";
    first = false;
    std::string out_shape = "?";
    if (built()) {
      shape = l->compute_output_shape(shape);
      out_shape = fmt::format("(None, {})", fmt::join(shape, ", "));
    }
    // tf.keras 2 (layer_utils.py print_layer_summary) marks a layer not built yet "0 (unused)".
    const std::string params = l->built() ? with_thousands(l->count_params()) : "0 (unused)";
    s += table_row({fmt::format("{} ({})", l->name(), l->class_name()), out_shape, params});
  }
  s += thick + "\n";
  const std::int64_t trainable = count(trainable_weights()), non_trainable = count(non_trainable_weights());
  s += count_line("Total", trainable + non_trainable);
  s += count_line("Trainable", trainable);
  s += count_line("Non-trainable", non_trainable);
  return s + rule + "\n";
}

void Sequential::summary() const { utils::logger()->info("{}", summary_text()); }

}  // namespace duet::keras
