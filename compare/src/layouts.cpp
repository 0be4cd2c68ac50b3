#include "layouts.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::compare {

Tensor channels_last_to_first(const Tensor& x) {
  if (x.rank() != 3 && x.rank() != 4) {
    throw Error(fmt::format("channels_last_to_first: needs a rank-3 or rank-4 tensor, got {}", x.shape().str()));
  }
  const Shape s = x.shape();
  const std::int64_t n = s[0], c = s[s.rank() - 1], spatial = s.numel() / (n * c);
  Shape out_shape = s;
  out_shape[1] = c;
  for (int a = 2; a < s.rank(); ++a) out_shape[a] = s[a - 1];
  const auto& in = x.data();
  std::vector<float> out(static_cast<std::size_t>(s.numel()));
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t p = 0; p < spatial; ++p)
      for (std::int64_t k = 0; k < c; ++k)
        out[static_cast<std::size_t>((b * c + k) * spatial + p)] = in[(b * spatial + p) * c + k];
  return Tensor::from_data(out_shape, out);
}

std::vector<std::int64_t> flatten_rows_torch_from_keras(const Shape& sample) {
  const std::int64_t c = sample[sample.rank() - 1], spatial = sample.numel() / c;
  std::vector<std::int64_t> keras_row(static_cast<std::size_t>(sample.numel()));
  for (std::int64_t k = 0; k < c; ++k)
    for (std::int64_t p = 0; p < spatial; ++p) keras_row[static_cast<std::size_t>(k * spatial + p)] = p * c + k;
  return keras_row;
}

}  // namespace duet::compare
