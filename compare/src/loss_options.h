// The loss options of experiment files (`keras.loss` and `torch.loss` objects), one table per
// side: each key with the losses that take it, how its value is checked, the config field it
// sets and its docs phrase. The parser (keys, "<loss> takes no <key>" errors, reading and
// checking values), the docs table and the losses' key lists all read these tables, so a new
// loss option is one row here plus its use where the loss is built (run_keras.cpp's keras_loss,
// torch_losses.cpp's table).
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
  std::vector<std::string> losses;  ///< the losses that take it; empty: every loss accepts it
  std::string doc;                  ///< one phrase, for the docs table
};

/// `keras.loss`'s options (losses by keras::losses::identifiers()' names).
const std::vector<LossOption<KerasConfig>>& keras_loss_options();
/// `torch.loss`'s options (losses by torch_loss_names()).
const std::vector<LossOption<TorchConfig>>& torch_loss_options();

/// Whether `option` applies to `loss`.
template <typename Config>
bool loss_takes(const LossOption<Config>& option, const std::string& loss) {
  if (option.losses.empty()) return true;
  for (const auto& l : option.losses)
    if (l == loss) return true;
  return false;
}

/// Every key `keras.loss` may hold: "name" and the options.
std::vector<std::string> keras_loss_keys();

/// "a does", "a and b do", "a, b and c do": the losses that take an option, named in an error.
std::string losses_that_do(const std::vector<std::string>& names);

/// Both tables as the Markdown table in docs/experiment-format.md (a test keeps them equal).
std::string loss_options_table_markdown();

}  // namespace duet::compare
