// The examples' data sets (duet/core/datasets.h).
#include "duet/core/datasets.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"

namespace duet::datasets {

Dataset article_line() {
  return {Tensor::from_rows({{-1}, {0}, {1}, {2}, {3}, {4}}), Tensor::from_rows({{-3}, {-1}, {1}, {3}, {5}, {7}})};
}

Dataset blobs(std::int64_t samples, const std::vector<std::vector<float>>& centres, float stddev, Generator& generator) {
  if (samples <= 0) throw Error(fmt::format("datasets::blobs: samples must be positive, got {}", samples));
  if (centres.empty() || centres[0].empty()) throw Error("datasets::blobs: needs at least one centre with coordinates");
  for (std::size_t c = 1; c < centres.size(); ++c) {
    if (centres[c].size() != centres[0].size()) {
      throw Error(fmt::format("datasets::blobs: centre {} has {} coordinates, centre 0 has {}", c, centres[c].size(),
                              centres[0].size()));
    }
  }
  if (!(stddev >= 0)) throw Error(fmt::format("datasets::blobs: stddev must not be negative, got {:g}", stddev));
  std::vector<std::vector<float>> xs, ys;
  const auto classes = static_cast<std::int64_t>(centres.size());
  for (std::int64_t i = 0; i < samples; ++i) {
    const auto& centre = centres[static_cast<std::size_t>(i % classes)];
    std::vector<float> row;
    for (float coordinate : centre) row.push_back(coordinate + stddev * static_cast<float>(generator.normal()));
    xs.push_back(std::move(row));
    ys.push_back({static_cast<float>(i % classes)});
  }
  return {Tensor::from_rows(xs), Tensor::from_rows(ys)};
}

Dataset sine_regression(std::int64_t samples, Generator& generator) {
  if (samples <= 0) throw Error(fmt::format("datasets::sine_regression: samples must be positive, got {}", samples));
  std::vector<std::vector<float>> xs, ys;
  for (std::int64_t i = 0; i < samples; ++i) {
    const float x1 = generator.uniform(-2, 2), x2 = generator.uniform(-2, 2);
    xs.push_back({x1, x2});
    ys.push_back({std::sin(x1) + 0.5f * x2 * x2});
  }
  return {Tensor::from_rows(xs), Tensor::from_rows(ys)};
}

Dataset load_csv(const std::filesystem::path& path, const std::vector<std::string>& targets) {
  return duet::load_csv(path, targets);
}

Dataset digits(const std::filesystem::path& path) {
  const CsvTable table = read_csv(path);
  const std::string source = path.string();
  if (table.header.size() != 65 || table.header.back() != "digit") {
    throw Error(fmt::format("datasets::digits: {} has {} columns; expected 64 pixels and 'digit' last, as "
                            "data/digits/digits.csv", source, table.header.size()));
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    for (std::size_t c = 0; c < row.size(); ++c) {
      const float v = row[c];
      const float top = c + 1 == row.size() ? 9.0f : 16.0f;
      if (!(v >= 0 && v <= top && v == std::floor(v))) {
        throw Error(fmt::format("datasets::digits: {}: data row {}: column '{}' holds {:g}; expected a whole number in [0, {:g}]",
                                source, r + 1, table.header[c], v, top));
      }
    }
  }
  return split_columns(table, {"digit"}, source);
}

}  // namespace duet::datasets
