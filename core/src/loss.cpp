// Losses composed from the differentiable ops, so their gradients need no code of their own.
#include "duet/core/loss.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

namespace {
template <typename T>
void require_same_shape(const BasicTensor<T>& pred, const BasicTensor<T>& target, const char* loss) {
  if (!(pred.shape() == target.shape())) {
    throw Error(fmt::format("{}: predictions of shape {} and targets of shape {} differ", loss,
                            pred.shape().str(), target.shape().str()));
  }
}
}  // namespace

template <typename T>
BasicTensor<T> reduce(const BasicTensor<T>& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::none: return losses;
    case Reduction::sum: return sum(losses);
    case Reduction::mean: return mean(losses);
    case Reduction::mean_of_row_means: return losses.rank() < 2 ? mean(losses) : mean(mean(losses, -1));
  }
  throw Error("reduce: unknown reduction");
}

template <typename T>
BasicTensor<T> squared_error(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction reduction) {
  require_same_shape(pred, target, "squared_error");
  return reduce(square(sub(pred, target)), reduction);
}

template <typename T>
BasicTensor<T> absolute_error(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction reduction) {
  require_same_shape(pred, target, "absolute_error");
  return reduce(abs(sub(pred, target)), reduction);
}

template <typename T>
BasicTensor<T> huber(const BasicTensor<T>& pred, const BasicTensor<T>& target, T delta, Reduction reduction) {
  require_same_shape(pred, target, "huber");
  if (!(delta > T(0))) throw Error(fmt::format("huber: delta must be positive, got {:g}", delta));
  // q = min(|d|, delta); q (|d| - q / 2) is 0.5 d^2 inside the band and delta (|d| - delta / 2) outside.
  const auto a = abs(sub(pred, target));
  const auto q = clamp(a, T(0), delta);
  return reduce(mul(q, sub(a, mul_scalar(q, T(0.5)))), reduction);
}

#define DUET_INSTANTIATE(T)                                                                               \
  template BasicTensor<T> reduce(const BasicTensor<T>&, Reduction);                                       \
  template BasicTensor<T> squared_error(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);         \
  template BasicTensor<T> absolute_error(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);        \
  template BasicTensor<T> huber(const BasicTensor<T>&, const BasicTensor<T>&, T, Reduction);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
