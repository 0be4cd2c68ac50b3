// duet-compare --report: the comparison as one HTML page a reader understands without the
// terminal. Everything is inline (CSS, SVG); the page has no script, so it works from a file://
// URL, offline and with JavaScript off. Tooltips are SVG <title> elements.
#include "duet/compare/html_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"
#include "duet/keras/console.h"
#include "keras_side.h"
#include "markup.h"
#include "svg_charts.h"
#include "table_rows.h"

namespace duet::compare {

// ---------------------------------------------------------------------------------------------
// The training trace.

RunHooks TrainingTrace::hooks() {
  keras_ = {}, torch_ = {};
  return {[this](int, const std::vector<NamedWeights>& w) { record(keras_, keras_start_, w); },
          [this](int, const std::vector<NamedWeights>& w) { record(torch_, torch_start_, w); }};
}

void TrainingTrace::record(Side& side, std::vector<NamedWeights>& start, const std::vector<NamedWeights>& now) {
  if (side.layer_change.empty()) start = now;  // epoch 0: the starting point
  std::vector<double> change;
  std::vector<double> values;
  for (std::size_t l = 0; l < now.size(); ++l) {
    double moved = 0, size = 0;
    for (std::size_t k = 0; k < now[l].size(); ++k) {
      const auto& a = now[l][k].second.data();
      const auto& b = start[l][k].second.data();
      for (Eigen::Index i = 0; i < a.size(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        moved += d * d;
        size += static_cast<double>(b[i]) * b[i];
        if (values.size() < 3) values.push_back(a[i]);  // a third value: no path to keep
      }
    }
    change.push_back(size > 0 ? std::sqrt(moved / size) : std::sqrt(moved));
  }
  side.layer_change.push_back(std::move(change));
  if (values.size() == 2) side.path.push_back({values[0], values[1]});
}

// ---------------------------------------------------------------------------------------------
// Path checks.

void check_report_path(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw Error("--report: the path is empty");
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (fs::exists(st)) {
    const fs::file_status target = fs::status(path, ec);
    if (fs::is_directory(target)) throw Error(fmt::format("--report: '{}' is a folder; give a file name such as report.html", excerpt(path)));
    if (!fs::is_regular_file(target) && !fs::is_symlink(st)) {
      throw Error(fmt::format("--report: '{}' is not a regular file (a device, FIFO or socket); give a file name", excerpt(path)));
    }
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw Error(fmt::format("--report: the folder '{}' does not exist", excerpt(parent.string())));
  }
}

namespace {

// ---------------------------------------------------------------------------------------------
// Page pieces.

using svg::Caption;

std::string esc(const std::string& s) { return markup_text(s); }

// A tensor's values for a table cell: all of a small one, the first few of a large one.
std::string values_text(const Tensor& t) {
  constexpr Eigen::Index kShown = 12;
  const Eigen::Index n = t.data().size();
  std::string s;
  for (Eigen::Index i = 0; i < std::min(n, kShown); ++i) s += fmt::format("{}{}", i ? ", " : "", t.data()[i]);
  if (n > kShown) s += fmt::format(", &#8230; ({} values)", n);
  return s;
}

double max_abs_difference(const Tensor& a, const Tensor& b) {
  double d = 0;
  for (Eigen::Index i = 0; i < std::min(a.data().size(), b.data().size()); ++i)
    d = std::max(d, std::abs(static_cast<double>(a.data()[i]) - b.data()[i]));
  return d;
}

std::string figure(const std::string& svg, const std::string& how_to_read) {
  return "<figure>\n" + svg + "<figcaption>" + how_to_read + "</figcaption>\n</figure>\n";
}

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
       background: #fafafa; margin: 0; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.note { color: #444; margin: 4px 0 12px; }
nav ol { columns: 2; margin: 8px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 0.92em; }
th, td { border: 1px solid #d4d4d4; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; text-align: right; }
th.keras { border-bottom: 3px solid #D55E00; }
th.torch { border-bottom: 3px dashed #0072B2; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.92em; color: #333; margin-top: 4px; max-width: 760px; }
.legend svg { vertical-align: middle; }
.small-multiples { display: flex; flex-wrap: wrap; gap: 8px; }
.small-multiples figure { margin: 4px 0; width: 372px; }
.verdict { font-weight: 600; }
.muted { color: #666; }
pre.console { background: #1e1e1e; color: #e8e8e8; padding: 10px 12px; overflow-x: auto; font-size: 0.85em;
              font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; line-height: 1.2; }
footer { margin-top: 40px; font-size: 0.85em; color: #666; }
)";

std::string settings_section(const Experiment& e) {
  std::string s = "<section id=\"settings\">\n<h2>The experiment and both sides' settings</h2>\n";
  s += "<table>\n<thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"keras\">Keras-style</th>"
       "<th scope=\"col\" class=\"torch\">PyTorch-style</th></tr></thead>\n<tbody>\n";
  std::string layers;
  for (std::size_t i = 0; i < e.layers.size(); ++i) {
    layers += fmt::format("{}{}", i ? " &#8594; " : "", esc(e.layers[i].type));
  }
  s += fmt::format("<tr><th scope=\"row\">data</th><td colspan=\"2\">{} rows, sample shape {}</td></tr>\n", e.x.shape()[0],
                   esc(fmt::format("({})", fmt::join(e.x.shape().begin() + 1, e.x.shape().end(), ", "))));
  s += fmt::format("<tr><th scope=\"row\">layers</th><td colspan=\"2\">{}</td></tr>\n", layers);
  s += fmt::format("<tr><th scope=\"row\">epochs, seed</th><td colspan=\"2\">{} epochs, seed {}</td></tr>\n", e.epochs, e.seed);
  for (const auto& [what, keras, torch] : settings_rows(e)) {
    s += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n", esc(what), esc(keras), esc(torch));
  }
  return s + "</tbody>\n</table>\n</section>\n";
}

std::string loss_section(const Report& r) {
  svg::LossCurves d{r.keras.loss_history, r.torch.loss_history, epochs_to_converge(r.keras.loss_history),
                    epochs_to_converge(r.torch.loss_history)};
  const auto said = [](const char* side, const std::vector<double>& h, int converged) {
    if (h.empty()) return fmt::format("{} did not train (0 epochs).", side);
    return fmt::format("{} starts at loss {:.4g} and ends at {:.4g} after {} epochs; {}.", side, h.front(), h.back(), h.size(),
                       converged ? fmt::format("its loss is at most first/1000 from epoch {}", converged)
                                 : std::string("its loss never falls to first/1000"));
  };
  const Caption c{"loss", "Training loss per epoch, both sides",
                  said("Keras-style", d.keras, d.keras_converged) + " " + said("PyTorch-style", d.torch, d.torch_converged)};
  std::string s = "<section id=\"loss-curves\">\n<h2>Loss curves</h2>\n" + svg::side_legend_html();
  s += figure(svg::loss_chart(c, d),
              esc(c.desc) +
                  " The loss axis is logarithmic: each grid line is ten times the one below, so a straight descent "
                  "is exponential convergence. Each side's loss is in its own reduction (a summed loss starts "
                  "higher than a mean one); the marked point is the first epoch whose loss is at most 1/1000 of the "
                  "first epoch's.");
  return s + "</section>\n";
}

// Two-parameter models: both paths over the contours of Keras' loss.
std::string path_section(const Experiment& e, const Report& r, const TrainingTrace& trace) {
  const auto& kp = trace.keras().path;
  const auto& tp = trace.torch().path;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const auto* p : {&kp, &tp})
    for (const auto& [x, y] : *p) x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x), y_lo = std::min(y_lo, y), y_hi = std::max(y_hi, y);
  const auto pad = [](double& lo, double& hi) {
    const double span = hi - lo > 1e-6 ? hi - lo : std::max(1.0, std::abs(lo));
    lo -= 0.15 * span, hi += 0.15 * span;
  };
  pad(x_lo, x_hi);
  pad(y_lo, y_hi);
  // A grid fine enough for smooth contours, coarser when each loss evaluation reads many rows.
  const double rows = static_cast<double>(e.x.shape()[0]);
  const auto n = static_cast<std::size_t>(std::clamp(std::sqrt(2e7 / std::max(rows, 1.0)), 9.0, 41.0));
  svg::ParameterPaths d;
  std::vector<std::vector<NamedWeights>> points;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(n - 1);
    d.grid_x.push_back(x_lo + t * (x_hi - x_lo));
    d.grid_y.push_back(y_lo + t * (y_hi - y_lo));
  }
  // The two parameters in layer and variable order (every other layer has none), each grid point
  // as a full set of weights with those two values.
  std::vector<std::string> names;
  for (std::size_t l = 0; l < r.keras.weights.size(); ++l)
    for (const auto& [name, value] : r.keras.weights[l])
      for (Eigen::Index i = 0; i < value.data().size(); ++i)
        names.push_back(value.data().size() > 1 ? fmt::format("layer {} {}[{}]", l, name, i) : fmt::format("layer {} {}", l, name));
  for (std::size_t iy = 0; iy < n; ++iy) {
    for (std::size_t ix = 0; ix < n; ++ix) {
      std::vector<NamedWeights> w = r.keras.weights;
      const std::array<double, 2> v{d.grid_x[ix], d.grid_y[iy]};
      std::size_t k = 0;
      for (auto& layer : w)
        for (auto& entry : layer) {
          entry.second = entry.second.detach();  // a copy: the report's tensor stays as it is
          for (Eigen::Index i = 0; i < entry.second.data().size(); ++i) entry.second.mutable_data()[i] = static_cast<float>(v.at(k++));
        }
      points.push_back(std::move(w));
    }
  }
  d.loss = keras_losses_at(e, points);
  d.keras = kp;
  d.torch = tp;
  d.x_name = names.at(0);
  d.y_name = names.at(1);
  d.loss_name = "Keras' loss (" + e.keras.loss + ", batch mean)";
  const auto step = [](const std::vector<std::array<double, 2>>& p) {
    return p.size() > 1 ? std::hypot(p[1][0] - p[0][0], p[1][1] - p[0][1]) : 0.0;
  };
  const double ks = step(kp), ts = step(tp);
  std::string ratio = ks > 0 && ts > 0 ? fmt::format(" The first PyTorch-style step is {:.3g}x as long as the first Keras-style step.", ts / ks) : "";
  const auto end_text = [&](const char* side, const std::vector<std::array<double, 2>>& p) {
    return p.empty() ? std::string() : fmt::format(" {} goes from ({:.4g}, {:.4g}) to ({:.4g}, {:.4g}).", side, p.front()[0], p.front()[1], p.back()[0], p.back()[1]);
  };
  const Caption c{"paths", fmt::format("Both sides' paths through ({}, {})", d.x_name, d.y_name),
                  fmt::format("Contours of {} over {} and {}.", d.loss_name, d.x_name, d.y_name) + end_text("Keras-style", kp) +
                      end_text("PyTorch-style", tp) + ratio};
  std::string s = "<section id=\"parameter-paths\">\n<h2>Parameter paths over the loss surface</h2>\n" + svg::side_legend_html();
  s += figure(svg::path_chart(c, d),
              esc(c.desc) + " Grey lines are contours (equal loss), darker towards the lowest loss (the cross). Hollow "
                            "marks are the start, filled large marks the end; the small dots are the first epochs, so "
                            "their spacing is each side's step length.");
  return s + "</section>\n";
}

std::string weight_change_section(const Report& r, const TrainingTrace& trace) {
  std::string s = "<section id=\"weight-change\">\n<h2>Per-layer weight change over training</h2>\n" + svg::side_legend_html();
  s += "<p>For each layer with weights: how far its weights have moved from where they started, ||W<sub>t</sub> &#8722; "
       "W<sub>0</sub>|| / ||W<sub>0</sub>|| over all of the layer's variables (the absolute change for a layer that "
       "starts at zero).</p>\n<div class=\"small-multiples\">\n";
  constexpr std::size_t kMaxCharts = 12;
  std::size_t shown = 0;
  for (std::size_t l = 0; l < r.keras.weights.size() && shown < kMaxCharts; ++l) {
    if (r.keras.weights[l].empty()) continue;
    svg::WeightChange d;
    d.layer = fmt::format("layer {}", l);
    for (const auto& epoch : trace.keras().layer_change) d.keras.push_back(epoch.at(l));
    for (const auto& epoch : trace.torch().layer_change) d.torch.push_back(epoch.at(l));
    const auto last = [](const std::vector<double>& v) { return v.empty() ? 0.0 : v.back(); };
    const Caption c{fmt::format("change-{}", l), fmt::format("Layer {}: relative weight change per epoch", l),
                    fmt::format("Layer {} moves by {:.3g} (Keras-style) and {:.3g} (PyTorch-style) relative to its start.",
                                l, last(d.keras), last(d.torch))};
    s += figure(svg::weight_change_chart(c, d), esc(c.desc));
    ++shown;
  }
  s += "</div>\n";
  if (shown == kMaxCharts) s += "<p class=\"muted\">Only the first 12 layers with weights are drawn.</p>\n";
  return s + "</section>\n";
}

std::string explanation_section(const Experiment& e, const std::optional<Ablation>& ablation) {
  std::string s = "<section id=\"explanation\">\n<h2>Why the numbers differ</h2>\n<ol class=\"reasons\">\n";
  for (const auto& reason : explain_differences(e)) s += "<li>" + esc(reason) + "</li>\n";
  s += "</ol>\n";
  if (!ablation) {
    return s + "<p class=\"muted\">Run with <code>--explain</code> to measure how much of the gap each difference "
               "causes.</p>\n</section>\n";
  }
  const Ablation& a = *ablation;
  svg::AblationBars d{a.baseline_gap, {}, {}, {}, 1e-4 * a.float32_scale};
  for (const auto& row : a.single) {
    d.removed.push_back(row.removed);
    d.alone.push_back(row.gap);
    d.cumulative.push_back(row.cumulative);
  }
  std::string words = fmt::format("As configured the largest prediction gap is {:.4g}.", a.baseline_gap);
  for (const auto& row : a.single)
    words += fmt::format(" With {} it is {:.4g} ({:.4g} with the rows above too).", row.removed, row.gap, row.cumulative);
  const Caption c{"ablation", "The prediction gap with differences removed", words};
  s += "<h3 id=\"ablation\">Measured: the gap with each difference removed</h3>\n";
  s += figure(svg::ablation_chart(c, d),
              esc(words) + " Each grey bar is the gap when only that difference is removed (shorter is more of the "
                           "gap explained); the diamonds remove the differences cumulatively, top to bottom. Left of the "
                           "dotted line the two sides agree to float32 rounding; a gap of exactly 0 is drawn at the left end.");
  s += "<table>\n<thead><tr><th scope=\"col\">difference removed</th><th scope=\"col\">gap, alone</th>"
       "<th scope=\"col\">share of the gap</th><th scope=\"col\">gap, with rows above</th></tr></thead>\n<tbody>\n";
  s += fmt::format("<tr><td>(none: as configured)</td><td class=\"num\">{:.4g}</td><td></td><td class=\"num\">{:.4g}</td></tr>\n",
                   a.baseline_gap, a.baseline_gap);
  for (const auto& row : a.single) {
    const double share = a.baseline_gap > 0 ? 100.0 * (a.baseline_gap - row.gap) / a.baseline_gap : 0.0;
    s += fmt::format("<tr><td>{}</td><td class=\"num\">{:.4g}</td><td class=\"num\">{:.1f}%</td><td class=\"num\">{:.4g}</td></tr>\n",
                     esc(row.removed), row.gap, share, row.cumulative);
  }
  s += "</tbody>\n</table>\n";
  return s + "<p class=\"verdict\">" + esc(ablation_verdict(a)) + "</p>\n</section>\n";
}

std::string seeds_section(const Experiment& e, const std::optional<SeedSpread>& spread) {
  std::string s = "<section id=\"seeds\">\n<h2>Spread over seeds</h2>\n";
  if (!spread) {
    return s + "<p class=\"muted\">Run with <code>--seeds N</code> to repeat the comparison over N seeds of each side's "
               "initialisers and shuffling.</p>\n</section>\n";
  }
  const SeedSpread& sp = *spread;
  s += fmt::format("<p>The comparison repeated over {} seeds ({} to {}){}. Each dot is one run; the ringed dot is the "
                   "default run shown everywhere else on this page.</p>\n",
                   sp.seeds, e.seed, e.seed + static_cast<std::uint64_t>(sp.seeds) - 1,
                   e.initial_weights ? "; the initial weights are given, so seeds change only the shuffling" : "");
  s += svg::side_legend_html();
  const auto range = [](const char* side, const SeedSpread::Stats& st) {
    return fmt::format("{} from {:.6g} to {:.6g} (median {:.6g}).", side, st.min, st.max, st.median);
  };
  const Caption cp{"seeds-prediction", "Prediction for predict[0] over seeds",
                   range("Keras-style predicts", sp.keras_prediction) + " " + range("PyTorch-style predicts", sp.torch_prediction)};
  s += figure(svg::strip_chart(cp, {"prediction for predict[0], output 0", sp.samples.keras_prediction, sp.samples.torch_prediction}),
              esc(cp.desc));
  const Caption cl{"seeds-loss", "Final training loss over seeds",
                   range("Keras-style ends at loss", sp.keras_loss) + " " + range("PyTorch-style ends at loss", sp.torch_loss)};
  s += figure(svg::strip_chart(cl, {"final training loss (each side's own reduction)", sp.samples.keras_loss, sp.samples.torch_loss}),
              esc(cl.desc));
  return s + "</section>\n";
}

std::string predictions_section(const Experiment& e, const Report& r) {
  std::string s = "<section id=\"predictions\">\n<h2>Predictions</h2>\n<table>\n<thead><tr><th scope=\"col\">input</th>"
                  "<th scope=\"col\" class=\"keras\">Keras-style</th><th scope=\"col\" class=\"torch\">PyTorch-style</th>"
                  "<th scope=\"col\">largest |difference|</th></tr></thead>\n<tbody>\n";
  const auto inputs = e.predict.rank() == 2 ? e.predict.to_rows() : std::vector<std::vector<float>>{};
  const auto row_text = [](const std::vector<float>& row) { return fmt::format("{}", fmt::join(row, ", ")); };
  for (std::size_t i = 0; i < r.keras.predictions.size(); ++i) {
    double diff = 0;
    for (std::size_t k = 0; k < r.keras.predictions[i].size(); ++k)
      diff = std::max(diff, std::abs(static_cast<double>(r.torch.predictions[i][k]) - r.keras.predictions[i][k]));
    s += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.6g}</td></tr>\n",
                     inputs.empty() ? fmt::format("predict[{}]", i) : esc("x = " + row_text(inputs[i])),
                     esc(row_text(r.keras.predictions[i])), esc(row_text(r.torch.predictions[i])), diff);
  }
  const auto last = [](const std::vector<double>& h) { return h.empty() ? std::string("-") : fmt::format("{:.4e}", h.back()); };
  s += fmt::format("<tr><td>final training loss</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td></tr>\n",
                   last(r.keras.loss_history), last(r.torch.loss_history));
  return s + "</tbody>\n</table>\n</section>\n";
}

std::string weights_section(const Report& r) {
  std::string s = "<section id=\"weights\">\n<h2>Final weights</h2>\n<p>In Keras' names and layout (a PyTorch "
                  "Linear's weight is shown transposed, as the Keras kernel).</p>\n<table>\n<thead><tr>"
                  "<th scope=\"col\">variable</th><th scope=\"col\" class=\"keras\">Keras-style</th>"
                  "<th scope=\"col\" class=\"torch\">PyTorch-style</th><th scope=\"col\">largest |difference|</th>"
                  "</tr></thead>\n<tbody>\n";
  for (std::size_t l = 0; l < r.keras.weights.size(); ++l) {
    for (const auto& [name, keras_value] : r.keras.weights[l]) {
      const Tensor& torch_value = weight(r.torch.weights.at(l), name);
      s += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.6g}</td></tr>\n",
                       esc(fmt::format("layer {} {}", l, name)), values_text(keras_value), values_text(torch_value),
                       max_abs_difference(keras_value, torch_value));
    }
  }
  return s + "</tbody>\n</table>\n</section>\n";
}

// The Keras side as its console shows it: model.summary() and fit()'s line for the last epoch,
// in the look chosen with --keras-look (keras::config::set_console_look).
std::string console_section(const Experiment& e, const Report& r) {
  const bool keras3 = keras::config::console_look() == keras::config::ConsoleLook::keras3;
  std::string s = fmt::format("<section id=\"keras-console\">\n<h2>The Keras side's console ({})</h2>\n",
                              keras3 ? "Keras 3" : "tf.keras 2, as the article shows");
  s += fmt::format("<p>What <code>model.summary()</code> and the last epoch of <code>model.fit(..., verbose=1)</code> "
                   "print for this model in {}'s look; <code>--keras-look {}</code> shows {}'s.</p>\n",
                   keras3 ? "Keras 3" : "tf.keras 2", keras3 ? "keras2" : "keras3", keras3 ? "tf.keras 2" : "Keras 3");
  std::string text = keras_summary_text(e);
  if (!r.keras.loss_history.empty()) {
    const std::int64_t rows = e.x.shape()[0];
    const std::int64_t batch = std::min<std::int64_t>(e.keras_batch_size(), rows);
    const std::int64_t steps = (rows + batch - 1) / batch;
    const double epoch_seconds = r.keras.train_seconds / static_cast<double>(r.keras.loss_history.size());
    const double step_seconds = epoch_seconds / static_cast<double>(steps);
    const std::string per_step = step_seconds >= 1 || step_seconds == 0 ? fmt::format("{:.0f}s", step_seconds)
                                 : step_seconds >= 1e-3              ? fmt::format("{:.0f}ms", step_seconds * 1e3)
                                                                     : fmt::format("{:.0f}us", step_seconds * 1e6);
    const double loss = r.keras.loss_history.back();
    const std::string value = std::abs(loss) > 1e-3 ? fmt::format("{:.4f}", loss) : fmt::format("{:.4e}", loss);
    const std::string bar = keras3 ? "\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501"
                                     "\u2501\u2501\u2501\u2501\u2501\u2501"
                                   : "[==============================] -";
    text += fmt::format("\nEpoch {0}/{0}\n{1}/{1} {2} {3:.0f}s {4}/step - loss: {5}\n", r.keras.loss_history.size(), steps, bar,
                        epoch_seconds, per_step, value);
  }
  return s + "<pre class=\"console\">" + esc(text) + "</pre>\n</section>\n";
}

std::string timing_text(const Report& r) {
  return fmt::format("Training took {:.3g} s (Keras-style) and {:.3g} s (PyTorch-style), including recording the "
                     "weights after every epoch for this page.",
                     r.keras.train_seconds, r.torch.train_seconds);
}

}  // namespace

std::string html_report(const Experiment& e, const Report& r, const TrainingTrace& trace,
                        const std::optional<Ablation>& ablation, const std::optional<SeedSpread>& spread) {
  const bool two_parameters = !trace.keras().path.empty() && !trace.torch().path.empty();
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += "<title>duet-compare: " + esc(e.name) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n";
  s += "<header>\n<h1>duet-compare: " + esc(e.name) + "</h1>\n";
  if (!e.note.empty()) s += "<p class=\"note\">" + esc(e.note) + "</p>\n";
  s += "<p>The same model trained with Keras' rules (left, vermilion) and PyTorch's rules (right, blue) on one engine.</p>\n";
  s += "</header>\n<nav aria-label=\"sections\"><ol>\n<li><a href=\"#settings\">Settings</a></li>\n"
       "<li><a href=\"#loss-curves\">Loss curves</a></li>\n";
  s += two_parameters ? "<li><a href=\"#parameter-paths\">Parameter paths</a></li>\n"
                      : "<li><a href=\"#weight-change\">Weight change per layer</a></li>\n";
  s += "<li><a href=\"#explanation\">Why the numbers differ</a></li>\n<li><a href=\"#seeds\">Spread over seeds</a></li>\n"
       "<li><a href=\"#predictions\">Predictions</a></li>\n<li><a href=\"#weights\">Final weights</a></li>\n"
       "<li><a href=\"#keras-console\">The Keras side's console</a></li>\n</ol></nav>\n";
  s += settings_section(e);
  s += loss_section(r);
  s += two_parameters ? path_section(e, r, trace) : weight_change_section(r, trace);
  s += explanation_section(e, ablation);
  s += seeds_section(e, spread);
  s += predictions_section(e, r);
  s += weights_section(r);
  s += console_section(e, r);
  s += "<footer><p>" + esc(timing_text(r)) + " Written by duet-compare --report.</p></footer>\n";
  return s + "</main>\n</body>\n</html>\n";
}

}  // namespace duet::compare
