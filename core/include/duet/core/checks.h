/// @file
/// Input checks shared by the front-ends, so both reject bad data with the same message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet {

/// Throws naming `what`, the value and its row and column (2-D) or index when any element of
/// `t` is NaN or infinite: "x has a non-finite value (nan) at row 3, column 1".
void require_finite(const Tensor& t, const std::string& what);

/// Class labels held as floats (PyTorch would use a LongTensor, Keras an int column) read as
/// indices. Returns the position of the first value that is not a whole number in
/// [0, classes), or -1 when all are valid; callers word the error in their framework's terms.
std::int64_t first_invalid_class_index(const Tensor& labels, std::int64_t classes);
/// The labels as indices; call after first_invalid_class_index returned -1.
std::vector<std::int64_t> as_class_indices(const Tensor& labels);

}  // namespace duet
