/// @file
/// The small data sets Duet's examples train on, for either front-end, plus CSV files with a
/// header (see csv.h). Generated sets draw from the generator they are given, so a seeded
/// generator gives the same rows on every machine.
///
///     auto [x, y] = duet::datasets::article_line();                 // y = 2x - 1 on x = -1..4
///     auto [x, y] = duet::datasets::load_csv("mlp-data.csv", {"y"});
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "duet/core/csv.h"
#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet::datasets {

/// Inputs and targets, one row per sample.
using Dataset = CsvData;

/// The article's six points: x = -1, 0, 1, 2, 3, 4 and y = 2x - 1, both [6, 1].
Dataset article_line();

/// Noisy blobs around `centres` (one class each): sample i belongs to class i % centres.size(),
/// at its centre plus `stddev` times a standard normal draw per coordinate (drawn in order).
/// x is [samples, dims]; y holds the class index, [samples, 1] (Keras' sparse labels; PyTorch
/// reads it with as_class_indices).
Dataset blobs(std::int64_t samples, const std::vector<std::vector<float>>& centres, float stddev,
              Generator& generator);

/// y = sin(x1) + 0.5 x2^2 on points drawn uniformly from [-2, 2]^2 (x1 then x2 per sample):
/// x [samples, 2], y [samples, 1]; the MLP regression examples' data.
Dataset sine_regression(std::int64_t samples, Generator& generator);

/// The features and targets of a CSV file (duet::load_csv): x every column not named in
/// `targets`, y the targets in that order. The example experiments' data files
/// (examples/experiments/mlp-data.csv, minibatch-linear-csv.csv) have one target named "y".
Dataset load_csv(const std::filesystem::path& path, const std::vector<std::string>& targets = {"y"});

/// The 8x8 handwritten digits: the repository's data/digits/digits.csv (scikit-learn's copy of
/// the UCI test set, BSD licence; data/digits/README.md), or a file of the same form at `path`.
/// x is [1797, 64]: each image's pixels row by row, integers 0..16 as floats; y is [1797, 1],
/// the digit 0..9. Reshape x to [N, 8, 8, 1] for Keras or [N, 1, 8, 8] for PyTorch. Errors name
/// the file and the row of a value out of range or a missing column.
Dataset digits(const std::filesystem::path& path);

}  // namespace duet::datasets
