// --explain: measure how much of the prediction gap each configuration difference causes, by
// re-running with that difference removed.
#include <fmt/format.h>

#include <cmath>
#include <functional>

#include "duet/compare/analysis.h"
#include "duet/compare/optimizers.h"
#include "duet/core/error.h"
#include "duet/keras/layers/dense.h"
#include "layers/aligned_options.h"

namespace duet::compare {

double largest_difference(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) {
    throw Error(fmt::format("largest_difference: rows of {} and {} values", a.size(), b.size()));
  }
  double gap = 0;
  for (std::size_t k = 0; k < a.size(); ++k) gap = std::max(gap, std::abs(static_cast<double>(a[k]) - b[k]));
  return gap;
}

double prediction_gap(const Report& r) {
  double gap = 0;
  for (std::size_t i = 0; i < r.keras.predictions.size(); ++i)
    gap = std::max(gap, largest_difference(r.torch.predictions[i], r.keras.predictions[i]));
  return gap;
}

namespace {

void put(options::Values& given, const std::string& key, float value) {
  for (auto& [k, v] : given) {
    if (k == key) {
      v = value;
      return;
    }
  }
  given.emplace_back(key, value);
}

// Sets a side option of a layer; returns whether it changed.
bool set_option(std::map<std::string, LayerValue>& options, const std::string& key, double value) {
  const auto it = options.find(key);
  if (it != options.end() && std::holds_alternative<double>(it->second) &&
      std::abs(std::get<double>(it->second) - value) <= 1e-12 * std::max(1.0, std::abs(value))) {
    return false;
  }
  options[key] = value;
  return true;
}

// Keras' leaky_relu slope, read off the Keras front-end's own function (f(-1) = -slope).
double keras_leaky_relu_slope() {
  return -static_cast<double>(keras::layers::activation("leaky_relu", Tensor::from_data(Shape{1}, {-1.0f})).item());
}

struct Alignment {
  std::string removed;
  // Aligns one difference in place; returns false when there was none to align.
  std::function<bool(Experiment&)> apply;
};

std::vector<Alignment> alignments() {
  return {
      {"same initial weights",
       [](Experiment& e) {
         if (e.initial_weights) return false;
         e.initial_weights = keras_default_weights(e);
         return true;
       }},
      {"same loss reduction (mean)",
       [](Experiment& e) {
         if (e.torch.reduction == "mean") return false;
         e.torch.reduction = "mean";
         return true;
       }},
      {"same learning rate",
       [](Experiment& e) {
         if (e.keras.optimizer.name != e.torch.optimizer.name) return false;
         // With a Keras schedule, its rate at step 0 is the one to match.
         OptimizerConfig keras = e.keras.optimizer;
         if (keras.schedule) put(keras.given, "learning_rate", keras_settings(keras).learning_rate);
         return align_torch_to_keras(keras, e.torch.optimizer, AlignedOptions::learning_rate);
       }},
      {"no schedules (constant rates)",
       [](Experiment& e) {
         if (!e.keras.optimizer.schedule && !e.torch.scheduler) return false;
         if (e.keras.optimizer.schedule) {  // the rate the schedule starts from, held
           put(e.keras.optimizer.given, "learning_rate", keras_settings(e.keras.optimizer).learning_rate);
           e.keras.optimizer.schedule.reset();
         }
         e.torch.scheduler.reset();
         return true;
       }},
      {"no weight decay",
       [](Experiment& e) {
         const auto k = keras_settings(e.keras.optimizer), t = torch_settings(e.torch.optimizer);
         const bool same = k.decoupled_weight_decay == t.decoupled_weight_decay && t.weight_decay == 0;
         if (same) return false;  // none, or the same decoupled decay on both sides
         put(e.keras.optimizer.given, "weight_decay", 0.0f);
         if (t.weight_decay != 0 || t.decoupled_weight_decay != 0) put(e.torch.optimizer.given, "weight_decay", 0.0f);
         return true;
       }},
      {"no label smoothing",
       [](Experiment& e) {
         if (e.keras.label_smoothing == 0 && e.torch.label_smoothing == 0) return false;
         e.keras.label_smoothing = 0;
         e.torch.label_smoothing = 0;
         return true;
       }},
      {"no class weights",
       [](Experiment& e) {
         if (e.keras.class_weight.empty() && e.torch.weight.empty() && e.torch.pos_weight.empty()) return false;
         e.keras.class_weight.clear();
         e.torch.weight.clear();
         e.torch.pos_weight.clear();
         return true;
       }},
      {"no gradient clipping",
       [](Experiment& e) {
         const auto k = keras_settings(e.keras.optimizer);
         const bool keras_clips = k.clipnorm > 0 || k.global_clipnorm > 0 || k.clipvalue > 0;
         if (!keras_clips && !e.torch.clip_grad_norm && !e.torch.clip_grad_value) return false;
         for (const char* key : {"clipnorm", "global_clipnorm", "clipvalue"}) put(e.keras.optimizer.given, key, 0.0f);
         e.torch.clip_grad_norm.reset();
         e.torch.clip_grad_value.reset();
         return true;
       }},
      {"same optimiser constants",
       [](Experiment& e) {
         if (e.keras.optimizer.name != e.torch.optimizer.name) return false;
         return align_torch_to_keras(e.keras.optimizer, e.torch.optimizer, AlignedOptions::constants);
       }},
      {"same norm momentum and epsilon",
       [](Experiment& e) {
         // PyTorch's momentum weighs the new batch value, Keras' the old moving value.
         bool changed = false;
         for (auto& l : e.layers) {
           if (l.type == "batch_norm") {
             changed = set_option(l.torch, "momentum", 1.0 - l.keras_number("momentum")) || changed;
             changed = set_option(l.torch, "eps", l.keras_number("epsilon")) || changed;
           } else if (l.type == "layer_norm") {
             changed = set_option(l.torch, "eps", l.keras_number("epsilon")) || changed;
           }
         }
         return changed;
       }},
      {"same running variance (biased)",
       [](Experiment& e) {
         bool changed = false;
         for (auto& l : e.layers) {
           if (l.type == "batch_norm" && l.torch.count(kAlignedBiasedRunningVariance) == 0) {
             l.torch[kAlignedBiasedRunningVariance] = true;
             changed = true;
           }
         }
         return changed;
       }},
      {"same leaky_relu slope",
       [](Experiment& e) {
         bool changed = false;
         for (auto& l : e.layers) {
           if (l.has("activation") && l.text("activation") == "leaky_relu") {
             changed = set_option(l.torch, kAlignedLeakySlope, keras_leaky_relu_slope()) || changed;
           }
         }
         return changed;
       }},
      {"same batches (size and order)",
       [](Experiment& e) {
         const std::int64_t rows = e.x.shape()[0];
         const auto kb = std::min<std::int64_t>(e.keras_batch_size(), rows);
         const auto tb = std::min<std::int64_t>(e.torch_batch_size(), rows);
         if (kb == tb && !e.keras_shuffle() && !e.torch_shuffle()) return false;
         e.keras.batch_size = static_cast<int>(kb);
         e.torch.batch_size = static_cast<int>(kb);
         e.keras.shuffle = false;
         e.torch.shuffle = false;
         return true;
       }},
  };
}

}  // namespace

Ablation ablate(const Experiment& e, const Report& baseline) {
  Ablation a;
  a.baseline_gap = prediction_gap(baseline);
  for (const auto& row : baseline.keras.predictions)
    for (float v : row) a.float32_scale = std::max(a.float32_scale, static_cast<double>(std::abs(v)));
  std::vector<Alignment> applicable;
  for (const auto& align : alignments()) {
    Experiment one = e;
    if (!align.apply(one)) continue;
    applicable.push_back(align);
    a.single.push_back({align.removed, prediction_gap(run(one)), 0});
  }
  // Remove the differences cumulatively, the one that matters most on its own first.
  std::vector<std::size_t> order(a.single.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto i, auto j) { return a.single[i].gap < a.single[j].gap; });
  Experiment all = e;
  std::vector<AblationRow> sorted;
  for (auto i : order) {
    applicable[i].apply(all);
    sorted.push_back(a.single[i]);
    sorted.back().cumulative = prediction_gap(run(all));
  }
  a.single = std::move(sorted);
  a.all_removed_gap = a.single.empty() ? a.baseline_gap : a.single.back().cumulative;
  return a;
}

std::string ablation_text(const Ablation& a) {
  std::string s = "Measured by re-running with differences removed (largest |PyTorch - Keras| prediction gap):\n";
  s += fmt::format("  {:<32}{:>14}{:>20}{:>24}\n", "difference removed", "gap, alone", "share of the gap", "gap, with rows above");
  s += fmt::format("  {:<32}{:>14}{:>20}{:>24}\n", "(none: as configured)", fmt::format("{:.4g}", a.baseline_gap), "",
                   fmt::format("{:.4g}", a.baseline_gap));
  for (const auto& row : a.single) {
    const double share = a.baseline_gap > 0 ? 100.0 * (a.baseline_gap - row.gap) / a.baseline_gap : 0.0;
    s += fmt::format("  {:<32}{:>14}{:>20}{:>24}\n", row.removed, fmt::format("{:.4g}", row.gap),
                     fmt::format("{:.1f}%", share), fmt::format("{:.4g}", row.cumulative));
  }
  if (a.single.empty()) s += "  (no configuration difference to remove)\n";
  return s + "  " + ablation_verdict(a) + "\n";
}

std::string ablation_verdict(const Ablation& a) {
  // float32 carries about 7 significant digits; a training run compounds rounding over many
  // steps, so agreement within 1e-4 of the prediction's scale is what rounding alone explains.
  const double rounding = 1e-4 * a.float32_scale;
  if (a.baseline_gap <= rounding) {
    // Nothing to explain: saying the differences "explain the gap" would credit them with noise.
    return fmt::format("The gap as configured, {:.4g}, is already at float32 rounding level (below 1e-4 of the "
                       "predictions' scale): the two sides agree as closely as float32 arithmetic in a different "
                       "order allows, so {} for this experiment.",
                       a.baseline_gap,
                       a.single.empty() ? "there is nothing to explain"
                                        : "the differences listed do not matter (removing them changes only rounding)");
  }
  if (a.all_removed_gap <= rounding) {
    return "With every difference removed the two sides agree to float32 rounding: the differences above explain "
           "the whole gap.";
  }
  return fmt::format("{:.4g} remains with every configurable difference removed: the frameworks' own rules differ "
                     "(for example where epsilon enters the update), see docs/framework-differences.md.",
                     a.all_removed_gap);
}

}  // namespace duet::compare
