// The loss options of experiment files (`keras.loss` and `torch.loss` objects), one table per
// side: each key with the losses that read it, how its value is checked, the config field it
// sets and its docs phrase. The parser (keys, "<loss> takes no <key>" errors, reading and
// checking values), the docs table, the losses' key lists and the reports' settings text all
// read these tables, so a new loss option is one row here plus its use where the loss is built
// (run_keras.cpp's keras_loss, torch_losses.cpp's table).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "duet/compare/experiment.h"

namespace duet::compare {

/// How a loss option's value is checked.
enum class LossValue {
  non_negative,   ///< a number >= 0 (delta, beta)
  unit_interval,  ///< a number in [0, 1] (label_smoothing)
  flag,           ///< true or false (from_logits)
  reduction,      ///< "mean" or "sum"
  weight_list,    ///< a non-empty list of numbers >= 0 (weight, pos_weight)
};

/// One option of a side's loss object, and the field of that side's config it sets.
template <typename Config>
struct LossOption {
  std::string key;  ///< as the framework's loss constructors name it
  LossValue value;
  std::variant<float Config::*, bool Config::*, std::string Config::*, std::vector<float> Config::*> member;
  std::vector<std::string> losses;  ///< the losses that read it; empty: every loss
  std::string doc;                  ///< one phrase, for the docs table
  /// Accepted beside any loss though only `losses` read it (delta and beta: experiment files of
  /// the first format wrote them so); the settings text still shows it only for those.
  bool accepted_by_every_loss = false;
};

/// `keras.loss`'s options (losses by keras::losses::identifiers()' names).
const std::vector<LossOption<KerasConfig>>& keras_loss_options();
/// `torch.loss`'s options (losses by torch_loss_names()).
const std::vector<LossOption<TorchConfig>>& torch_loss_options();

/// Whether `loss` reads `option`.
template <typename Config>
bool loss_reads(const LossOption<Config>& option, const std::string& loss) {
  if (option.losses.empty()) return true;
  for (const auto& l : option.losses)
    if (l == loss) return true;
  return false;
}

/// Whether an experiment may give `option` beside `loss`.
template <typename Config>
bool loss_takes(const LossOption<Config>& option, const std::string& loss) {
  return option.accepted_by_every_loss || loss_reads(option, loss);
}

/// The options `config.loss` reads, as a Python call would pass them ("reduction='sum', delta=2"):
/// a reduction always, any other option when it differs from its default.
std::string keras_loss_arguments(const KerasConfig& config);
std::string torch_loss_arguments(const TorchConfig& config);

/// Every key `keras.loss` may hold: "name" and the options.
std::vector<std::string> keras_loss_keys();

/// "a does", "a and b do", "a, b and c do": the losses that take an option, named in an error.
std::string losses_that_do(const std::vector<std::string>& names);

/// Both tables as the Markdown table in docs/experiment-format.md (a test keeps them equal).
std::string loss_options_table_markdown();

}  // namespace duet::compare
