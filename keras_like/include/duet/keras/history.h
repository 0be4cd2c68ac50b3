/// @file
/// keras.callbacks.History: per-epoch values by name ("loss", "val_loss", metrics).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "duet/core/error.h"

namespace duet::keras {

struct History {
  std::map<std::string, std::vector<double>> history;
  std::vector<int> epoch;

  const std::vector<double>& operator[](const std::string& key) const {
    auto it = history.find(key);
    if (it == history.end()) throw Error("History: no values recorded for '" + key + "'");
    return it->second;
  }
};

}  // namespace duet::keras
