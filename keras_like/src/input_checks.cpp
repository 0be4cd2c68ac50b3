#include "input_checks.h"

#include <fmt/format.h>

#include "duet/core/checks.h"
#include "duet/core/error.h"

namespace duet::keras::detail {

void require_matrix(const Tensor& t, const char* method, const char* what) {
  if (!t.defined()) throw Error(fmt::format("{}: {} is missing", method, what));
  if (t.rank() != 2) {
    throw Error(fmt::format("{}: {} must be 2-D [samples, features], got shape {}", method, what, t.shape().str()));
  }
  if (t.shape()[0] == 0) throw Error(fmt::format("{}: {} is empty (shape {})", method, what, t.shape().str()));
  // The message is formatted only for a tensor that fails: fit checks x and y on every call.
  if (!t.data().allFinite()) require_finite(t, fmt::format("{}: {}", method, what));
}

void require_samples(const Tensor& t, const char* method, const char* what) {
  if (!t.defined()) throw Error(fmt::format("{}: {} is missing", method, what));
  if (t.rank() < 2) {
    throw Error(fmt::format("{}: {} must have a batch axis and at least one more ([samples, features]), got shape {}",
                            method, what, t.shape().str()));
  }
  if (t.shape()[0] == 0) throw Error(fmt::format("{}: {} is empty (shape {})", method, what, t.shape().str()));
  // The message is formatted only for a tensor that fails: fit checks x and y on every call.
  if (!t.data().allFinite()) require_finite(t, fmt::format("{}: {}", method, what));
}

}  // namespace duet::keras::detail
