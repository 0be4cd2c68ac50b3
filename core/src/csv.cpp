// CSV text to tensors (duet/core/csv.h): RFC 4180 quoting, an optional UTF-8 byte-order mark,
// and limits checked before the rows are stored.
#include "duet/core/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"
#include "duet/core/file_io.h"

namespace duet {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Splits CSV text into records of cells, one record at a time. A cell is either unquoted (read
// up to the next comma or line end, trimmed of spaces and tabs) or quoted as RFC 4180 says
// (spreadsheets write header names that way): "a ""b"", c" is the cell  a "b", c  and may span
// lines. Spaces around a quoted cell are ignored.
class Records {
 public:
  Records(std::string_view text, const std::string& source) : text_(text), source_(source) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte-order mark (Excel's "CSV UTF-8")
  }

  // The next record into `cells`; false at the end of the text. `line` is where it starts.
  bool next(std::vector<std::string>& cells, int& line) {
    if (pos_ >= text_.size()) return false;
    cells.clear();
    line = line_;
    while (true) {
      cells.push_back(cell());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == '\n') {
        ++line_;
        return true;
      }
      // c == ',': another cell follows.
    }
  }

 private:
  std::string cell() {
    std::size_t p = pos_;
    while (p < text_.size() && is_blank(text_[p])) ++p;
    if (p < text_.size() && text_[p] == '"') return quoted(p + 1);
    const auto end = std::min(text_.find_first_of(",\n", pos_), text_.size());
    const std::string_view raw = text_.substr(pos_, end - pos_);
    if (raw.find('"') != std::string_view::npos) {
      fail(fmt::format("a quote inside the unquoted cell '{}' (quote the whole cell, doubling inner quotes)", excerpt(raw)));
    }
    pos_ = end;
    return trim(raw);
  }

  std::string quoted(std::size_t p) {
    const int opened = line_;
    std::string out;
    while (true) {
      if (p >= text_.size()) fail(fmt::format("the quoted cell opened on line {} is never closed", opened));
      const char c = text_[p++];
      if (c == '"') {
        if (p < text_.size() && text_[p] == '"') {
          out += '"';
          ++p;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      out += c;
    }
    while (p < text_.size() && is_blank(text_[p])) ++p;
    if (p < text_.size() && text_[p] != ',' && text_[p] != '\n') {
      pos_ = p;
      fail(fmt::format("text after the closing quote of the cell \"{}\"", excerpt(out)));
    }
    pos_ = p;
    return out;
  }

  [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}:{}: {}", source_, line_, what)); }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

// The header's names, each once: a name given twice would make "the column 'y'" ambiguous.
// A map keeps this O(n log n) for files with very many columns.
void check_header(const std::vector<std::string>& header, const std::string& source, int line) {
  if (header.size() > kMaxCsvColumns) {
    throw Error(fmt::format("{}:{}: the header has {} columns, more than the {} allowed", source, line, header.size(),
                            kMaxCsvColumns));
  }
  std::map<std::string_view, std::size_t> seen;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c].empty()) throw Error(fmt::format("{}:{}: header column {} has no name", source, line, c + 1));
    const auto [it, inserted] = seen.emplace(header[c], c);
    if (!inserted) {
      throw Error(fmt::format("{}:{}: column name '{}' appears twice (columns {} and {})", source, line,
                              excerpt(header[c]), it->second + 1, c + 1));
    }
  }
}

// One cell as a float32: a decimal number with an optional sign ("+-1" is not one), finite and
// within float32's range (a value too small for float32 rounds to zero or a subnormal, as
// numpy.float32 does).
float number_in(const std::string& cell, const std::string& column, const std::string& source, int line) {
  const auto fail = [&](const std::string& why) {
    throw Error(fmt::format("{}:{}: column '{}' holds '{}', {}", source, line, excerpt(column), excerpt(cell), why));
  };
  const char* first = cell.data();
  const char* last = first + cell.size();
  if (first != last && *first == '+') ++first;  // from_chars takes '-' but not '+'
  float v = 0;
  const auto [end, ec] = std::from_chars(first, last, v);
  if (cell.empty() || (first != cell.data() && first != last && *first == '-') || end != last ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    fail("which is not a number");
  }
  if (ec == std::errc::result_out_of_range) {
    const double d = std::strtod(std::string(first, last).c_str(), nullptr);
    if (!(std::abs(d) <= std::numeric_limits<float>::max())) {
      fail(fmt::format("a number too large for float32 (the largest is {:g})", std::numeric_limits<float>::max()));
    }
    v = static_cast<float>(d);
  }
  if (!std::isfinite(v)) fail("data must be finite");
  return v;
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& source) {
  CsvTable table;
  Records records(text, source);
  std::vector<std::string> cells;
  int line = 0;
  while (records.next(cells, line)) {
    if (cells.size() == 1 && cells[0].empty()) continue;  // a blank line
    if (table.header.empty()) {
      check_header(cells, source, line);
      table.header = std::move(cells);
      continue;
    }
    if (cells.size() != table.header.size()) {
      throw Error(fmt::format("{}:{}: {} cells but the header has {} columns", source, line, cells.size(),
                              table.header.size()));
    }
    if (table.rows.size() == kMaxCsvRows) {
      throw Error(fmt::format("{}:{}: more than the {} data rows allowed", source, line, kMaxCsvRows));
    }
    std::vector<float> row;
    row.reserve(cells.size());
    for (std::size_t c = 0; c < cells.size(); ++c) row.push_back(number_in(cells[c], table.header[c], source, line));
    table.rows.push_back(std::move(row));
  }
  if (table.header.empty()) throw Error(fmt::format("{}: the file is empty (expected a header row)", source));
  if (table.rows.empty()) throw Error(fmt::format("{}: there are no data rows after the header", source));
  return table;
}

CsvTable read_csv(const std::filesystem::path& path) {
  return parse_csv(file_io::read_regular_file(path, kMaxCsvFileBytes, "CSV file"), path.string());
}

CsvData split_columns(const CsvTable& table, const std::vector<std::string>& targets, const std::string& source) {
  std::map<std::string_view, std::size_t> column_of;
  for (std::size_t c = 0; c < table.header.size(); ++c) column_of.emplace(table.header[c], c);
  std::vector<std::size_t> target_cols, feature_cols;
  std::vector<bool> is_target(table.header.size(), false);
  for (const auto& t : targets) {
    const auto it = column_of.find(t);
    if (it == column_of.end()) throw Error(fmt::format("{}: no column named '{}' (the targets)", source, excerpt(t)));
    // Twice would train on a y with a duplicated column, silently.
    if (is_target[it->second]) throw Error(fmt::format("{}: the target column '{}' is named twice", source, excerpt(t)));
    is_target[it->second] = true;
    target_cols.push_back(it->second);
  }
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (!is_target[c]) feature_cols.push_back(c);
  }
  if (feature_cols.empty()) throw Error(fmt::format("{}: every column is a target; no features are left", source));
  std::vector<std::vector<float>> xs, ys;
  xs.reserve(table.rows.size());
  ys.reserve(table.rows.size());
  for (const auto& row : table.rows) {
    std::vector<float> xr, yr;
    for (auto c : feature_cols) xr.push_back(row[c]);
    for (auto c : target_cols) yr.push_back(row[c]);
    xs.push_back(std::move(xr));
    ys.push_back(std::move(yr));
  }
  return {Tensor::from_rows(xs), Tensor::from_rows(ys)};
}

void split_columns(const CsvTable& table, const std::vector<std::string>& targets, const std::string& source,
                   Tensor& x, Tensor& y) {
  auto data = split_columns(table, targets, source);
  x = std::move(data.x);
  y = std::move(data.y);
}

CsvData load_csv(const std::filesystem::path& path, const std::vector<std::string>& targets) {
  return split_columns(read_csv(path), targets, path.string());
}

}  // namespace duet
