/// @file
/// Reading CSV data into tensors, for either front-end: a header row of column names, then rows
/// of numbers separated by commas.
///
///     auto [x, y] = duet::load_csv("examples/experiments/mlp-data.csv", {"y"});
///
/// Cells are trimmed of spaces and tabs; blank lines are skipped; every cell must be a finite
/// number within float32's range. Cells and header names may be quoted as RFC 4180 says
/// ("a ""quoted"" name", commas and line breaks inside quotes), and a UTF-8 byte-order mark at
/// the start is skipped, so files saved by spreadsheet programs read as they are. Errors name the
/// file, the line and the column ("data.csv:4: column 'y' holds 'abc', which is not a number").
/// Only regular files of at most kMaxCsvFileBytes are read, with at most kMaxCsvRows data rows
/// and kMaxCsvColumns columns; each limit is checked before the data is stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet {

inline constexpr std::uintmax_t kMaxCsvFileBytes = std::uintmax_t{64} << 20;  ///< 64 MiB
inline constexpr std::size_t kMaxCsvRows = 1'000'000;                        ///< data rows
inline constexpr std::size_t kMaxCsvColumns = 100'000;                       ///< header names

/// A parsed CSV file: the column names and the rows of values, as read.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<float>> rows;
};

/// Features and targets from a table, as [samples, columns] tensors.
struct CsvData {
  Tensor x;  ///< every column not named as a target, in file order
  Tensor y;  ///< the target columns, in the order given
};

/// Parses CSV text; `source` names the file in error messages ("data.csv:4: ...").
CsvTable parse_csv(const std::string& text, const std::string& source);
/// Reads and parses the file at `path`.
CsvTable read_csv(const std::filesystem::path& path);

/// Splits a table into features (every column not in `targets`) and targets (in that order);
/// `source` names the file in error messages.
CsvData split_columns(const CsvTable& table, const std::vector<std::string>& targets, const std::string& source);
/// The same, into `x` and `y`.
void split_columns(const CsvTable& table, const std::vector<std::string>& targets, const std::string& source,
                   Tensor& x, Tensor& y);

/// read_csv then split_columns: the file's features and targets.
CsvData load_csv(const std::filesystem::path& path, const std::vector<std::string>& targets);

}  // namespace duet
