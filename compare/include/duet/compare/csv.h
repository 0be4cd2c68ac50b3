/// @file
/// A small CSV reader for experiment data: a header row, then numeric cells.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::compare {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<float>> rows;
};

/// Parses CSV text; `source` names the file in error messages ("data.csv:4: ...").
CsvTable parse_csv(const std::string& text, const std::string& source);
CsvTable read_csv(const std::filesystem::path& path);

/// Splits a table into features (every column not in `targets`) and targets (in that order).
void split_columns(const CsvTable& table, const std::vector<std::string>& targets, const std::string& source,
                   Tensor& x, Tensor& y);

}  // namespace duet::compare
