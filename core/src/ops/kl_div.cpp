// The Kullback-Leibler term: x log x as one op with its own derivative (so 0 log 0 is 0, as
// torch.xlogy), the rest from broadcasting elementwise ops.
#include "duet/core/kl_div.h"

#include <cmath>
#include <limits>

#include "duet/core/ops.h"
#include "unary.h"

namespace duet {

template <typename T>
BasicTensor<T> x_log_x(const BasicTensor<T>& x) {
  return detail::unary(
      "x_log_x", x, [](T v) { return v == T(0) ? T(0) : v * std::log(v); },
      // PyTorch: xlogy's self term log(x) (0 at x = 0) plus its other term x / x (NaN at 0).
      [](T v, T) { return v == T(0) ? std::numeric_limits<T>::quiet_NaN() : std::log(v) + T(1); });
}

template <typename T>
BasicTensor<T> kl_div_pointwise(const BasicTensor<T>& input, const BasicTensor<T>& target, bool log_target) {
  if (log_target) return mul(exp(target), sub(target, input));
  return sub(x_log_x(target), mul(target, input));
}

#define DUET_INSTANTIATE(T)                                   \
  template BasicTensor<T> x_log_x(const BasicTensor<T>&);     \
  template BasicTensor<T> kl_div_pointwise(const BasicTensor<T>&, const BasicTensor<T>&, bool);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
