/// @file
/// One layer of an experiment as the file gives it: its type ("dense", "conv2d", ...) and its
/// options, shared ones and those only one framework has, already checked against the layer
/// kind's option list (compare/src/layers/). Weights travel per layer by Keras' variable names.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::compare {

/// An option's value: a flag, a number, a name, or a list of integers (kernel_size [3, 3]; a
/// single integer given for a pair option is stored as a list of one).
using LayerValue = std::variant<bool, double, std::string, std::vector<std::int64_t>>;

/// A layer's type and options. Every option of the kind is present after parsing (given, or
/// the kind's default); side-only options are present when given or defaulted by the kind.
struct LayerSpec {
  std::string type = "dense";
  std::map<std::string, LayerValue> shared;  ///< options both sides read (units, filters, ...)
  std::map<std::string, LayerValue> keras;   ///< the layer's "keras": {...} options
  std::map<std::string, LayerValue> torch;   ///< the layer's "torch": {...} options

  /// A shared option by kind; a missing key or another kind is a duet::Error naming the key
  /// (a parser bug, never a user's error: parsing fills in every default).
  std::int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool flag(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  /// An int or a list of two ints ([h, w]); one int n is {n, n}.
  std::pair<std::int64_t, std::int64_t> pair(const std::string& key) const;
  bool has(const std::string& key) const { return shared.count(key) != 0; }

  /// The same for one side's options.
  double keras_number(const std::string& key) const;
  bool keras_flag(const std::string& key) const;
  const std::string& keras_text(const std::string& key) const;
  double torch_number(const std::string& key) const;
  bool torch_flag(const std::string& key) const;
  const std::string& torch_text(const std::string& key) const;
};

/// One layer's weights by Keras variable name, in Keras' layout and variable order (kernel,
/// bias; gamma, beta, moving_mean, moving_variance; kernel, recurrent_kernel, bias). Empty for
/// a layer without weights.
using NamedWeights = std::vector<std::pair<std::string, Tensor>>;

/// The tensor named `name` in `weights`, or a duet::Error naming it.
const Tensor& weight(const NamedWeights& weights, const std::string& name);

}  // namespace duet::compare
