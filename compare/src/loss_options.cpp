// The Keras losses' options in experiment files (as Keras' loss constructors name them) and the
// error sentence shared with the PyTorch side's table.
#include "loss_options.h"

#include <algorithm>

namespace duet::compare {

namespace {

struct KerasLossOptions {
  std::string identifier;            ///< as keras::losses::identifiers() spells it
  std::vector<std::string> options;  ///< its own keys in keras.loss
};

// Keys every loss accepts: delta (Huber's), which the experiment format has always accepted beside
// any loss (the other losses ignore it).
const std::vector<std::string> kEveryLoss{"delta"};

// Losses without options of their own are not listed.
const std::vector<KerasLossOptions>& table() {
  static const std::vector<KerasLossOptions> entries{
      {"binary_crossentropy", {"from_logits", "label_smoothing"}},
      {"categorical_crossentropy", {"from_logits", "label_smoothing"}},
      {"sparse_categorical_crossentropy", {"from_logits"}}};
  return entries;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

std::vector<std::string> keras_loss_keys() {
  std::vector<std::string> keys{"name"};
  keys.insert(keys.end(), kEveryLoss.begin(), kEveryLoss.end());
  for (const auto& e : table()) {
    for (const auto& key : e.options) {
      if (!contains(keys, key)) keys.push_back(key);
    }
  }
  return keys;
}

bool keras_loss_takes(const std::string& identifier, const std::string& key) {
  if (contains(kEveryLoss, key)) return true;
  for (const auto& e : table()) {
    if (e.identifier == identifier) return contains(e.options, key);
  }
  return false;
}

std::string keras_losses_taking(const std::string& key) {
  std::vector<std::string> names;
  for (const auto& e : table()) {
    if (contains(e.options, key)) names.push_back(e.identifier);
  }
  return losses_that_do(names);
}

std::string losses_that_do(const std::vector<std::string>& names) {
  if (names.size() == 1) return names[0] + " does";
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return out + " do";
}

}  // namespace duet::compare
