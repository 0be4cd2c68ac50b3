// evaluate()'s result: Keras' [loss, metric...] list with the scalar and dict forms.
#include "duet/keras/scores.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace duet::keras {

Scores::Scores(std::vector<std::string> names, std::vector<double> values)
    : names_(std::move(names)), values_(std::move(values)) {
  if (names_.size() != values_.size()) {
    throw Error(fmt::format("Scores: {} names for {} values", names_.size(), values_.size()));
  }
}

double Scores::operator[](std::size_t i) const {
  if (i >= values_.size()) {
    throw Error(fmt::format("evaluate returned {} values [{}]; index {} is out of range", values_.size(),
                            fmt::join(names_, ", "), i));
  }
  return values_[i];
}

double Scores::at(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return values_[i];
  throw Error(fmt::format("evaluate returned no value named '{}' (it returned [{}])", name, fmt::join(names_, ", ")));
}

void Scores::require_count(std::size_t n, const char* what) const {
  if (values_.size() == n) return;
  throw Error(fmt::format("{}: evaluate returned {} values [{}], not {}", what, values_.size(), fmt::join(names_, ", "),
                          n));
}

Scores::operator double() const {
  if (values_.size() != 1) {
    throw Error(fmt::format("evaluate returned {} values [{}], not one scalar loss: unpack them with unpack<{}>() or "
                            "read one with at(\"{}\")",
                            values_.size(), fmt::join(names_, ", "), values_.size(), names_.empty() ? "loss" : names_.back()));
  }
  return values_[0];
}

std::map<std::string, double> Scores::dict() const {
  std::map<std::string, double> out;
  for (std::size_t i = 0; i < names_.size(); ++i) out[names_[i]] = values_[i];
  return out;
}

}  // namespace duet::keras
