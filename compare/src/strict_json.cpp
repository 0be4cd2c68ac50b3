// Experiment JSON read strictly (strict_json.h).
#include "strict_json.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"

namespace duet::compare {

using nlohmann::json;

namespace {

// A SAX pass that builds nothing: it follows the key path, so a duplicate key or excessive
// nesting is named where it is, and stops at the first problem. nlohmann's own parser is
// iterative, so this pass cannot overflow the stack whatever the input's depth.
class Checker : public nlohmann::json_sax<json> {
 public:
  explicit Checker(const std::string& source) : source_(source) {}

  bool null() override { return element(); }
  bool boolean(bool) override { return element(); }
  bool number_integer(number_integer_t) override { return element(); }
  bool number_unsigned(number_unsigned_t) override { return element(); }
  bool number_float(number_float_t, const string_t&) override { return element(); }
  bool string(string_t&) override { return element(); }
  bool binary(binary_t&) override { return element(); }
  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) fail(fmt::format("{}: the key appears twice in one object", path()));
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error_position = position;
    error_text = ex.what();
    return false;
  }

  std::size_t error_position = 0;
  std::string error_text;

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;  // objects: the keys seen so far
    std::string key;             // objects: the key of the current member
    std::size_t next = 0;        // arrays: the index of the next element
  };

  bool element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next;
    return true;
  }
  bool open(bool object) {
    element();
    if (frames_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) {
      fail(fmt::format("{}: nested deeper than the {} levels an experiment file may have", path(), kMaxJsonDepth));
    }
    frames_.push_back(Frame{object, {}, {}, 0});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  // The key path of the current position ("data.x[1][0]"), each key and the whole bounded.
  std::string path() const {
    std::string path;
    for (const Frame& f : frames_) {
      if (f.object) {
        if (!path.empty()) path += '.';
        path += excerpt(f.key);
      } else {
        path += fmt::format("[{}]", f.next == 0 ? 0 : f.next - 1);
      }
    }
    return path.empty() ? "top level" : excerpt(path, 200);
  }
  [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}: {}", source_, what)); }

  const std::string& source_;
  std::vector<Frame> frames_;
};

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 1, column 2: ";
// keep what follows, bounded (a token it quotes can be megabytes long).
std::string reason_of(const std::string& what, const char* from) {
  auto pos = what.find(from);
  return excerpt(pos == std::string::npos ? what : what.substr(pos), 200);
}

void quote_into(const json& j, std::string& out, int depth) {
  constexpr std::size_t kBudget = kMaxQuotedBytes;
  if (out.size() > kBudget) return;
  if (!j.is_structured()) {
    out += j.dump();
    return;
  }
  const bool object = j.is_object();
  out += object ? '{' : '[';
  if (depth >= 3 && !j.empty()) {
    out += "...";
  } else {
    bool first = true;
    for (auto it = j.begin(); it != j.end() && out.size() <= kBudget; ++it) {
      if (!first) out += ", ";
      first = false;
      if (object) out += json(it.key()).dump() + ": ";
      quote_into(*it, out, depth + 1);
    }
  }
  out += object ? '}' : ']';
}

}  // namespace

std::string quote(const json& j) {
  std::string out;
  quote_into(j, out, 0);
  return excerpt(out);
}

json parse_strict_json(const std::string& text, const std::string& source) {
  Checker checker(source);
  bool ok = false;
  try {
    ok = json::sax_parse(text, &checker);
  } catch (const json::exception& err) {  // e.g. a number too large for a double
    throw Error(fmt::format("{}: malformed JSON: {}", source, reason_of(err.what(), "number")));
  }
  if (!ok) {
    // nlohmann reports a byte offset; people count lines and columns.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < checker.error_position && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw Error(fmt::format("{}: malformed JSON at line {}, column {}: {}", source, line, column,
                            reason_of(checker.error_text, "syntax error")));
  }
  return json::parse(text);
}

}  // namespace duet::compare
