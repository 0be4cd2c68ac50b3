// CSV text to tensors (duet/core/csv.h).
#include "duet/core/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "duet/core/error.h"

namespace duet {

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    cells.push_back(trim(std::string_view(line).substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) return cells;
    start = comma + 1;
  }
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& source) {
  CsvTable table;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    auto cells = split(line);
    if (table.header.empty()) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (cells[c].empty()) throw Error(fmt::format("{}:{}: header column {} has no name", source, line_no, c + 1));
        for (std::size_t k = 0; k < c; ++k) {
          if (cells[k] == cells[c]) throw Error(fmt::format("{}:{}: column name '{}' appears twice", source, line_no, cells[c]));
        }
      }
      table.header = std::move(cells);
      continue;
    }
    if (cells.size() != table.header.size()) {
      throw Error(fmt::format("{}:{}: {} cells but the header has {} columns", source, line_no, cells.size(),
                              table.header.size()));
    }
    std::vector<float> row;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      float v = 0;
      const char* first = cells[c].data();
      const char* last = first + cells[c].size();
      if (!cells[c].empty() && *first == '+') ++first;
      const auto [end, ec] = std::from_chars(first, last, v);
      if (cells[c].empty() || ec != std::errc() || end != last) {
        throw Error(fmt::format("{}:{}: column '{}' holds '{}', which is not a number", source, line_no,
                                table.header[c], cells[c]));
      }
      if (!std::isfinite(v)) {
        throw Error(fmt::format("{}:{}: column '{}' holds {}, data must be finite", source, line_no, table.header[c],
                                cells[c]));
      }
      row.push_back(v);
    }
    table.rows.push_back(std::move(row));
  }
  if (table.header.empty()) throw Error(fmt::format("{}: the file is empty (expected a header row)", source));
  if (table.rows.empty()) throw Error(fmt::format("{}: there are no data rows after the header", source));
  return table;
}

CsvTable read_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot open CSV file '{}'", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_csv(buffer.str(), path.string());
}

CsvData split_columns(const CsvTable& table, const std::vector<std::string>& targets, const std::string& source) {
  std::vector<std::size_t> target_cols, feature_cols;
  for (const auto& t : targets) {
    std::size_t c = 0;
    while (c < table.header.size() && table.header[c] != t) ++c;
    if (c == table.header.size()) throw Error(fmt::format("{}: no column named '{}' (the targets)", source, t));
    target_cols.push_back(c);
  }
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (std::find(target_cols.begin(), target_cols.end(), c) == target_cols.end()) feature_cols.push_back(c);
  }
  if (feature_cols.empty()) throw Error(fmt::format("{}: every column is a target; no features are left", source));
  std::vector<std::vector<float>> xs, ys;
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
