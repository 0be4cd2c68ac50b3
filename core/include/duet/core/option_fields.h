/// @file
/// Describing a front-end's option struct once, so that everything that reads, checks, prints or
/// compares its options (the experiment parser, reports, `--explain`, the docs table) works from
/// that one description. Each front-end lists its fields beside the struct's defaults in its own
/// words ("lr", "learning_rate"); the core only gives the neutral meaning of each word.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "duet/core/error.h"

namespace duet::options {

/// What an option means, in neutral words; reports and `--explain` match the two sides by it.
enum class Meaning {
  learning_rate,
  momentum,
  dampening,
  nesterov,
  weight_decay,            ///< coupled: an L2 term added to the gradient (PyTorch's SGD, Adam, ...)
  decoupled_weight_decay,  ///< p shrunk by lr * wd before the update (Keras 3, PyTorch's AdamW)
  clipnorm,                ///< each gradient's L2 norm limited (Keras)
  global_clipnorm,         ///< the L2 norm of all gradients together limited (Keras)
  clipvalue,               ///< each gradient value clamped (Keras)
  epsilon,
  beta1,
  beta2,
  rho,
  initial_accumulator,
  lr_decay,
  amsgrad,
  centered,
};

/// An option's value: a number, a flag, or a pair of numbers (PyTorch's betas).
using Value = std::variant<float, bool, std::pair<float, float>>;
/// Options by key, in the framework's signature order where a list is produced.
using Values = std::vector<std::pair<std::string, Value>>;

/// When the option appears in a constructor call printed for a report.
enum class Show {
  always,
  when_changed,  ///< only when it differs from the default (flags, rarely used options)
};

/// One option as a report or a parser sees it.
struct FieldInfo {
  std::string key;                ///< the framework's own word
  std::vector<Meaning> meanings;  ///< one; two for a pair (betas: beta1, beta2)
  Value default_value;            ///< NaN for a number the caller must give (PyTorch SGD's lr)
  Show show = Show::always;
  std::string doc;  ///< one phrase, for the docs table
};

/// One option of the struct `Options`: its description and where it lives.
template <typename Options>
struct Field {
  std::string key;
  std::vector<Meaning> meanings;
  std::variant<float Options::*, bool Options::*, std::pair<float, float> Options::*> member;
  Show show = Show::always;
  std::string doc;
};

/// The value of `field` in `options`.
template <typename Options>
Value get(const Options& options, const Field<Options>& field) {
  return std::visit([&](auto member) -> Value { return options.*member; }, field.member);
}

/// Sets `field` in `options`; a value of the wrong kind is an error naming the key.
template <typename Options>
void set(Options& options, const Field<Options>& field, const Value& value) {
  std::visit(
      [&](auto member) {
        using Held = std::remove_reference_t<decltype(options.*member)>;
        if (!std::holds_alternative<Held>(value)) {
          throw Error(fmt::format("option '{}' takes {}", field.key,
                                  std::is_same_v<Held, float>  ? "a number"
                                  : std::is_same_v<Held, bool> ? "true or false"
                                                               : "a pair of numbers"));
        }
        options.*member = std::get<Held>(value);
      },
      field.member);
}

/// The value given for `key`, or null.
inline const Value* find(const Values& values, const std::string& key) {
  for (const auto& [k, v] : values) {
    if (k == key) return &v;
  }
  return nullptr;
}

/// `Options{}` with the given values applied; an unknown key is an error listing the known ones.
template <typename Options>
Options apply(const std::vector<Field<Options>>& fields, const Values& given, const std::string& owner) {
  Options options{};
  for (const auto& [key, value] : given) {
    const Field<Options>* field = nullptr;
    for (const auto& f : fields) field = f.key == key ? &f : field;
    if (!field) {
      std::string known;
      for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f.key;
      throw Error(fmt::format("{}: unknown option '{}' (known: {})", owner, key, known));
    }
    set(options, *field, value);
  }
  return options;
}

/// Every field's value in `options`, in field order.
template <typename Options>
Values values_of(const std::vector<Field<Options>>& fields, const Options& options) {
  Values out;
  for (const auto& f : fields) out.emplace_back(f.key, get(options, f));
  return out;
}

/// The fields as reports see them, with the defaults of `Options{}`.
template <typename Options>
std::vector<FieldInfo> infos(const std::vector<Field<Options>>& fields) {
  std::vector<FieldInfo> out;
  for (const auto& f : fields) out.push_back({f.key, f.meanings, get(Options{}, f), f.show, f.doc});
  return out;
}

/// A value as Python prints it in a constructor call: 0.01, 1e-07, True, (0.9, 0.999).
std::string python_repr(const Value& value);

/// "SGD(lr=0.01, momentum=0)": the call as the framework's user would write it, with every
/// `Show::always` field and the `Show::when_changed` ones that differ from their default.
std::string constructor_text(const std::string& class_name, const std::vector<FieldInfo>& fields,
                             const Values& effective);

/// An optimiser as every part of Duet outside its front-end needs it: the name used in experiment
/// files and by name lookups, the fields, and how to check and build it from given values.
/// `Made` is what the front-end builds (its optimiser handle); `Args` what else it needs (a
/// PyTorch optimiser's parameters).
template <typename Made, typename... Args>
struct OptimizerDescriptor {
  std::string name;        ///< "sgd", "adam": the identifier in experiment files
  std::string class_name;  ///< "SGD", "Adam": as the framework spells the class
  std::vector<FieldInfo> fields;
  /// The effective values (defaults filled in, in field order) after the front-end's own checks;
  /// throws the front-end's error for a bad value.
  std::function<Values(const Values& given)> resolve;
  std::function<Made(const Values& given, Args... args)> make;

  /// The field with this meaning, or null.
  const FieldInfo* field(Meaning meaning) const {
    for (const auto& f : fields) {
      for (Meaning m : f.meanings) {
        if (m == meaning) return &f;
      }
    }
    return nullptr;
  }
};

/// The descriptor of an optimiser whose options struct has `static fields()` and whose rule has
/// `validate(const Options&)` and `kName`; `build(options, args...)` makes the optimiser.
template <typename Made, typename Options, typename Rule, typename... Args, typename Build>
OptimizerDescriptor<Made, Args...> describe(std::string name, Build build) {
  OptimizerDescriptor<Made, Args...> d;
  d.name = std::move(name);
  d.class_name = Rule::kName;
  d.fields = infos(Options::fields());
  d.resolve = [](const Values& given) {
    const Options options = apply(Options::fields(), given, Rule::kName);
    Rule::validate(options);
    return values_of(Options::fields(), options);
  };
  d.make = [build](const Values& given, Args... args) {
    return build(apply(Options::fields(), given, Rule::kName), std::move(args)...);
  };
  return d;
}

}  // namespace duet::options
