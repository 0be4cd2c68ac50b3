// The report as JSON (the contract's format), CSV (loss histories) and a human table.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "duet/compare/torch_losses.h"
#include "loss_options.h"
#include "table_rows.h"

namespace duet::compare {

namespace {

// A float32 value as the shortest decimal that reads back to the same float32 (18.979048, not
// 18.979047775268555), carried in a double for the JSON writer.
double shortest(double v) {
  if (!std::isfinite(v)) return v;
  return std::stod(fmt::format("{}", static_cast<float>(v)));
}

// A tensor of any rank as nested lists (rank 0: a number).
nlohmann::json tensor_json(const Tensor& t) {
  const auto& values = t.data();
  const std::function<nlohmann::json(int, Eigen::Index)> nest = [&](int axis, Eigen::Index offset) {
    if (axis == t.rank()) return nlohmann::json(shortest(values[offset]));
    Eigen::Index stride = 1;
    for (int a = axis + 1; a < t.rank(); ++a) stride *= t.shape()[a];
    auto j = nlohmann::json::array();
    for (std::int64_t i = 0; i < t.shape()[axis]; ++i) j.push_back(nest(axis + 1, offset + i * stride));
    return j;
  };
  return nest(0, 0);
}

nlohmann::json side_json(const SideReport& s) {
  nlohmann::json j;
  j["predictions"] = nlohmann::json::array();
  for (const auto& row : s.predictions) {
    auto r = nlohmann::json::array();
    for (float v : row) r.push_back(shortest(v));
    j["predictions"].push_back(r);
  }
  j["loss_history"] = nlohmann::json::array();
  for (double v : s.loss_history) j["loss_history"].push_back(shortest(v));
  j["weights"] = nlohmann::json::array();
  for (const auto& layer : s.weights) {
    auto entry = nlohmann::json::object();  // {} for a layer without weights
    for (const auto& [name, value] : layer) entry[name] = tensor_json(value);
    j["weights"].push_back(entry);
  }
  j["train_seconds"] = s.train_seconds;
  return j;
}

std::string row_text(const std::vector<float>& row) {
  std::string s;
  for (std::size_t i = 0; i < row.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", row[i]);
  return row.size() == 1 ? s : "[" + s + "]";
}

// A weight tensor's values for the table; large layers are cut after a few values (the JSON
// report has them all).
std::string values_text(const Tensor& t) {
  constexpr Eigen::Index kShown = 4;
  const Eigen::Index n = t.data().size();
  std::string s;
  for (Eigen::Index i = 0; i < std::min(n, kShown); ++i) s += fmt::format("{}{}", i ? ", " : "", t.data()[i]);
  if (n > kShown) s += fmt::format(", ... ({} values)", n);
  return "[" + s + "]";
}

std::string duration_text(double seconds) {
  if (seconds >= 1) return fmt::format("{:.2f} s", seconds);
  if (seconds >= 1e-3) return fmt::format("{:.2f} ms", seconds * 1e3);
  return fmt::format("{:.1f} us", seconds * 1e6);
}

// The loss as each side's user writes it: Keras' identifier (it always takes the batch mean),
// PyTorch's module with its reduction; options the loss reads show when they differ from the
// default (loss_options.cpp).
std::string keras_loss_text(const KerasConfig& k) {
  const std::string arguments = keras_loss_arguments(k);
  return fmt::format("{} ({}batch mean)", k.loss, arguments.empty() ? "" : arguments + ", ");
}
std::string torch_loss_text(const TorchConfig& t) {
  return fmt::format("{}({})", torch_loss_class(t.loss), torch_loss_arguments(t));
}

std::string batches_text(int batch_size, bool shuffle, std::int64_t rows) {
  if (batch_size >= rows) return fmt::format("full batch ({} rows){}", rows, shuffle ? ", shuffled" : "");
  return fmt::format("batch_size {}, {}", batch_size, shuffle ? "shuffled" : "in order");
}

}  // namespace

int epochs_to_converge(const std::vector<double>& history) {
  if (history.empty()) return 0;
  for (std::size_t e = 0; e < history.size(); ++e)
    if (history[e] <= 1e-3 * history.front()) return static_cast<int>(e) + 1;
  return 0;
}

std::vector<std::array<std::string, 3>> settings_rows(const Experiment& e) {
  std::vector<std::array<std::string, 3>> rows;
  rows.push_back({"loss", keras_loss_text(e.keras), torch_loss_text(e.torch)});
  rows.push_back({"optimizer", keras_settings(e.keras.optimizer).text, torch_settings(e.torch.optimizer).text});
  rows.push_back({"batches", batches_text(e.keras_batch_size(), e.keras_shuffle(), e.x.shape()[0]),
                  batches_text(e.torch_batch_size(), e.torch_shuffle(), e.x.shape()[0])});
  if (e.initial_weights) {
    rows.push_back({"initial weights", "given", "given"});
  } else {
    // Each side's defaults for the layer families present (explain.cpp words them in full).
    bool recurrent = false, embedding = false;
    for (const auto& layer : e.layers) {
      recurrent = recurrent || layer.type == "simple_rnn" || layer.type == "lstm" || layer.type == "gru";
      embedding = embedding || layer.type == "embedding";
    }
    std::string keras = "glorot_uniform / zeros", torch = "kaiming_uniform(a=sqrt(5)) / uniform";
    if (recurrent) {
      keras += ", orthogonal recurrent kernels";
      torch += ", recurrent U(+-1/sqrt(units))";
    }
    if (embedding) {
      keras += ", embeddings U(-0.05, 0.05)";
      torch += ", embeddings N(0, 1)";
    }
    rows.push_back({"initial weights", keras, torch});
  }
  if (const auto folded = folded_activation(e); !folded.empty()) {
    rows.push_back({"final activation", folded + " in the model", folded + " folded into the loss"});
  }
  return rows;
}

std::string to_json(const Report& r) {
  nlohmann::json j;
  j["experiment"] = r.experiment;
  j["keras"] = side_json(r.keras);
  j["torch"] = side_json(r.torch);
  return j.dump(2) + "\n";
}

std::string to_csv(const Report& r) {
  std::string s = "epoch,keras_loss,torch_loss\n";
  const std::size_t epochs = std::max(r.keras.loss_history.size(), r.torch.loss_history.size());
  for (std::size_t e = 0; e < epochs; ++e) {
    const auto cell = [e](const std::vector<double>& h) {
      return e < h.size() ? fmt::format("{}", static_cast<float>(h[e])) : std::string();
    };
    s += fmt::format("{},{},{}\n", e + 1, cell(r.keras.loss_history), cell(r.torch.loss_history));
  }
  return s;
}

// Rows of four cells rendered with each column as wide as its widest cell; an empty row is a
// blank line.
class TextTable {
 public:
  void row(std::string label, std::string keras, std::string torch, std::string diff = "") {
    rows_.push_back({std::move(label), std::move(keras), std::move(torch), std::move(diff)});
  }
  void gap() { rows_.push_back({}); }
  std::string render() const {
    std::array<std::size_t, 3> width{};
    for (const auto& r : rows_)
      if (!r.empty())
        for (std::size_t c = 0; c < 3; ++c) width[c] = std::max(width[c], r[c].size());
    std::string s;
    for (const auto& r : rows_) {
      if (r.empty()) {
        s += "\n";
        continue;
      }
      std::string line = fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}", r[0], width[0], r[1], width[1], r[2], width[2], r[3]);
      line.erase(line.find_last_not_of(' ') + 1);
      s += line + "\n";
    }
    return s;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string to_table(const Experiment& e, const Report& r) {
  std::string s = fmt::format("duet-compare: {}\n", e.name);
  if (!e.note.empty()) s += fmt::format("  {}\n", e.note);
  s += "\n";
  TextTable t;
  t.row("", "Keras-style", "PyTorch-style", "difference");
  for (const auto& [what, keras, torch] : settings_rows(e)) t.row(what, keras, torch);
  t.gap();
  // Rows of features are short enough to show; a sequence or an image is named by its row.
  const auto inputs = e.predict.rank() == 2 ? e.predict.to_rows() : std::vector<std::vector<float>>{};
  for (std::size_t i = 0; i < r.keras.predictions.size(); ++i) {
    std::string diff;
    if (r.keras.predictions[i].size() == 1) {
      diff = fmt::format("{:+.6g}", r.torch.predictions[i][0] - r.keras.predictions[i][0]);
    }
    t.row(inputs.empty() ? fmt::format("prediction predict[{}]", i) : fmt::format("prediction x={}", row_text(inputs[i])),
          row_text(r.keras.predictions[i]),
          row_text(r.torch.predictions[i]), diff);
  }
  const auto last = [](const std::vector<double>& h) { return h.empty() ? std::string("-") : fmt::format("{:.4e}", h.back()); };
  t.row("final loss", last(r.keras.loss_history), last(r.torch.loss_history));
  const auto converge = [](const std::vector<double>& h) {
    const int ep = epochs_to_converge(h);
    return ep ? fmt::format("epoch {}", ep) : std::string("not reached");
  };
  t.row("loss <= first/1000", converge(r.keras.loss_history), converge(r.torch.loss_history));
  for (std::size_t l = 0; l < r.keras.weights.size(); ++l) {
    for (std::size_t k = 0; k < r.keras.weights[l].size(); ++k) {
      const auto& [name, keras_value] = r.keras.weights[l][k];
      t.row(fmt::format("layer {} {}", l, name), values_text(keras_value), values_text(weight(r.torch.weights[l], name)));
    }
  }
  const auto timing = [&](const SideReport& side) {
    return e.epochs > 0 ? fmt::format("{} ({}/epoch)", duration_text(side.train_seconds),
                                      duration_text(side.train_seconds / e.epochs))
                        : duration_text(side.train_seconds);
  };
  t.row("training time", timing(r.keras), timing(r.torch));
  s += t.render();
  s += "\nWhy the numbers differ:\n";
  int n = 0;
  for (const auto& reason : explain_differences(e)) s += fmt::format("  {}. {}\n", ++n, reason);
  return s;
}

}  // namespace duet::compare
