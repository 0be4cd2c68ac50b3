// Experiment JSON read strictly: nesting depth bounded, a key given twice is an error, and any
// value quoted in a message is bounded in length and depth.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace duet::compare {

/// The deepest nesting an experiment file may have (it needs 4: {"data": {"x": [[0]]}}).
inline constexpr int kMaxJsonDepth = 32;

/// Parses `text` as JSON. Before building anything it checks, in one pass that does not
/// recurse, that no value nests deeper than kMaxJsonDepth and that no object gives a key twice
/// (nlohmann keeps the last silently); both errors name the key path. Syntax errors give the
/// line and column. Throws duet::Error, prefixed with `source`.
nlohmann::json parse_strict_json(const std::string& text, const std::string& source);

/// A value as an error message quotes it: JSON text of at most ~60 bytes, "..." after a cut,
/// never recursing more than a few levels (safe on a value of any depth or size).
std::string quote(const nlohmann::json& j);

}  // namespace duet::compare
