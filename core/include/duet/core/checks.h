/// @file
/// Input checks shared by the front-ends, so both reject bad data with the same message.
#pragma once

#include <string>

#include "duet/core/tensor.h"

namespace duet {

/// Throws naming `what`, the value and its row and column (2-D) or index when any element of
/// `t` is NaN or infinite: "x has a non-finite value (nan) at row 3, column 1".
void require_finite(const Tensor& t, const std::string& what);

}  // namespace duet
