// The loss options of both sides' experiment sections, one table each, and what is derived from
// them: key lists, the error sentence and the docs table.
#include "loss_options.h"

#include <fmt/format.h>

namespace duet::compare {

const std::vector<LossOption<KerasConfig>>& keras_loss_options() {
  static const std::vector<LossOption<KerasConfig>> options{
      {"delta", LossValue::non_negative, &KerasConfig::huber_delta, {"huber"}, "Huber's delta", true},
      {"from_logits", LossValue::flag, &KerasConfig::from_logits,
       {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"},
       "the last layer outputs logits (it must then be linear)"},
      {"label_smoothing", LossValue::unit_interval, &KerasConfig::label_smoothing,
       {"binary_crossentropy", "categorical_crossentropy"}, "binary: towards 0.5; categorical: towards 1 / classes"}};
  return options;
}

const std::vector<LossOption<TorchConfig>>& torch_loss_options() {
  static const std::vector<LossOption<TorchConfig>> options{
      {"reduction", LossValue::reduction, &TorchConfig::reduction, {}, "\"mean\" or \"sum\" over the batch"},
      {"delta", LossValue::non_negative, &TorchConfig::huber_delta, {"huber"}, "HuberLoss' delta", true},
      {"beta", LossValue::non_negative, &TorchConfig::smooth_l1_beta, {"smooth_l1"}, "SmoothL1Loss' beta", true},
      {"weight", LossValue::weight_list, &TorchConfig::weight, {"bce", "bce_with_logits", "cross_entropy"},
       "cross_entropy: one per class; bce, bce_with_logits: one per output column"},
      {"pos_weight", LossValue::weight_list, &TorchConfig::pos_weight, {"bce_with_logits"},
       "one per output column, on the positive term"},
      {"label_smoothing", LossValue::unit_interval, &TorchConfig::label_smoothing, {"cross_entropy"},
       "towards 1 / classes"}};
  return options;
}

std::vector<std::string> keras_loss_keys() {
  std::vector<std::string> keys{"name"};
  for (const auto& o : keras_loss_options()) keys.push_back(o.key);
  return keys;
}

std::string losses_that_do(const std::vector<std::string>& names) {
  if (names.size() == 1) return names[0] + " does";
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return out + " do";
}

namespace {

std::string value_text(LossValue v) {
  switch (v) {
    case LossValue::non_negative: return "number >= 0";
    case LossValue::unit_interval: return "number in [0, 1]";
    case LossValue::flag: return "true / false";
    case LossValue::reduction: return "\"mean\" / \"sum\"";
    case LossValue::weight_list: return "list of numbers >= 0";
  }
  return "";
}

// The default a config starts with, as JSON would write it.
template <typename Config>
std::string default_text(const LossOption<Config>& o) {
  const Config config{};
  return std::visit(
      [&](auto member) -> std::string {
        const auto& v = config.*member;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, float>) return fmt::format("{:g}", v);
        if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
        if constexpr (std::is_same_v<V, std::string>) return "\"" + v + "\"";
        if constexpr (std::is_same_v<V, std::vector<float>>) return v.empty() ? "none" : "list";
      },
      o.member);
}

template <typename Config>
std::string rows(const std::string& side, const std::vector<LossOption<Config>>& options) {
  std::string out;
  for (const auto& o : options) {
    std::string losses = "every loss";
    if (!o.losses.empty()) {
      losses.clear();
      for (const auto& l : o.losses) losses += (losses.empty() ? "" : ", ") + ("`" + l + "`");
      if (o.accepted_by_every_loss) losses += " (accepted beside any loss)";
    }
    out += fmt::format("| `{}` | `{}` | {} | {} | {} | {} |\n", side, o.key, losses, value_text(o.value), default_text(o),
                       o.doc);
  }
  return out;
}

// A value as a Python call spells it: 2, True, 'sum', [1, 0.5].
template <typename V>
std::string python_text(const V& v) {
  if constexpr (std::is_same_v<V, float>) return fmt::format("{:g}", v);
  if constexpr (std::is_same_v<V, bool>) return v ? "True" : "False";
  if constexpr (std::is_same_v<V, std::string>) return "'" + v + "'";
  if constexpr (std::is_same_v<V, std::vector<float>>) {
    std::string out;
    for (float x : v) out += fmt::format("{}{:g}", out.empty() ? "" : ", ", x);
    return "[" + out + "]";
  }
}

template <typename Config>
std::string arguments(const std::vector<LossOption<Config>>& options, const Config& config) {
  const Config defaults{};
  std::string out;
  for (const auto& o : options) {
    if (!loss_reads(o, config.loss)) continue;
    std::visit(
        [&](auto member) {
          const auto& v = config.*member;
          if (o.value != LossValue::reduction && v == defaults.*member) return;
          out += fmt::format("{}{}={}", out.empty() ? "" : ", ", o.key, python_text(v));
        },
        o.member);
  }
  return out;
}

}  // namespace

std::string keras_loss_arguments(const KerasConfig& config) { return arguments(keras_loss_options(), config); }
std::string torch_loss_arguments(const TorchConfig& config) { return arguments(torch_loss_options(), config); }

std::string loss_options_table_markdown() {
  return "| side | key | losses | value | default | meaning |\n|---|---|---|---|---|---|\n" +
         rows("keras", keras_loss_options()) + rows("torch", torch_loss_options());
}

}  // namespace duet::compare
