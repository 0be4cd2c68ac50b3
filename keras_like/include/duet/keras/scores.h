/// @file
/// What Sequential::evaluate returns: the loss, then each compiled metric in compile() order.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "duet/core/error.h"

namespace duet::keras {

/// Keras' evaluate returns the scalar loss when compiled without metrics, else the list
/// [loss, metric...] in the order of model.metrics_names. C++ cannot give one function both
/// return types, so Scores holds the list and offers each Python use:
///
///     double mse = model.evaluate(x, y);                       // no metrics: the scalar loss
///     auto [loss, accuracy] = model.evaluate(x, y).unpack<2>(); // loss, accuracy = model.evaluate(x, y)
///     double acc = model.evaluate(x, y).at("accuracy");         // evaluate(..., return_dict=True)
///     double first = model.evaluate(x, y)[0];                   // indexing the list
///
/// Converting to double or unpacking the wrong count throws duet::Error naming the values,
/// rather than dropping a metric silently.
class Scores {
 public:
  /// `names` and `values` pair up in order; names start with "loss".
  Scores(std::vector<std::string> names, std::vector<double> values);

  std::size_t size() const { return values_.size(); }
  /// The i-th value (0 is the loss); throws when out of range.
  double operator[](std::size_t i) const;
  /// The value named `name` ("loss", "accuracy", ...); throws naming the known names.
  double at(const std::string& name) const;
  double operator[](const std::string& name) const { return at(name); }
  /// scores["loss"]: without this overload clang finds `scores["loss"]` ambiguous with the
  /// built-in "loss"[index] reached through the implicit conversion to double. (A `const char*`
  /// overload would make `scores[0]` ambiguous instead: 0 is also a null pointer.)
  template <std::size_t N>
  double operator[](const char (&name)[N]) const {
    return at(name);
  }
  /// Keras' model.metrics_names for these values.
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<double>& values() const { return values_; }
  std::vector<double>::const_iterator begin() const { return values_.begin(); }
  std::vector<double>::const_iterator end() const { return values_.end(); }

  /// The N values for a structured binding; throws unless there are exactly N.
  template <std::size_t N>
  std::array<double, N> unpack() const {
    require_count(N, "unpack");
    std::array<double, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = values_[i];
    return out;
  }
  /// The loss when it is the only value, as Keras returns a scalar; throws when metrics follow.
  operator double() const;  // NOLINT: implicit by design, as Keras' scalar return
  /// Name -> value, as evaluate(..., return_dict=True) and the callbacks' logs.
  std::map<std::string, double> dict() const;

 private:
  void require_count(std::size_t n, const char* what) const;

  std::vector<std::string> names_;
  std::vector<double> values_;
};

}  // namespace duet::keras
