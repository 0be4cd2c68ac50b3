// Losses composed from the differentiable ops, so their gradients need no code of their own.
#include "duet/core/loss.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "autograd.h"

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
  if (reduction == Reduction::none) return square(sub(pred, target));
  // The regression hot path as one op: s * sum (p - y)^2 with s = 1 or 1 / numel (every
  // reduction but none comes to that on a rectangular tensor).
  // backward: dp = 2 s (p - y) g, dy = -dp.
  const T scale = reduction == Reduction::sum ? T(1) : T(1) / static_cast<T>(pred.numel());
  auto value = detail::take_values<T>(1);
  value[0] = (pred.data() - target.data()).square().sum() * scale;
  return detail::make_result<T>("squared_error", Shape{}, std::move(value), {&pred, &target},
                                [scale](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                                  const auto& p = node.inputs[0]->data;
                                  const auto& y = node.inputs[1]->data;
                                  const T k = T(2) * scale * g[0];
                                  if (detail::wants_grad(node, 0)) detail::grad_sink(node, 0) += k * (p - y);
                                  if (detail::wants_grad(node, 1)) detail::grad_sink(node, 1) -= k * (p - y);
                                });
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

template <typename T>
BasicTensor<T> binary_cross_entropy(const BasicTensor<T>& p, const BasicTensor<T>& target, ProbabilityGuard guard,
                                    Reduction reduction) {
  require_same_shape(p, target, "binary_cross_entropy");
  if (guard.kind == ProbabilityGuard::Kind::log_floor) return reduce(bce_log_floor(p, target), reduction);
  const T eps = static_cast<T>(guard.epsilon);
  const auto q = clamp(p, eps, T(1) - eps);
  // -(y log q + (1 - y) log(1 - q))
  const auto one_minus = [](const BasicTensor<T>& t) { return add_scalar(neg(t), T(1)); };
  return reduce(neg(add(mul(target, log(q)), mul(one_minus(target), log(one_minus(q))))), reduction);
}

template <typename T>
BasicTensor<T> binary_cross_entropy_with_logits(const BasicTensor<T>& logits, const BasicTensor<T>& target,
                                                Reduction reduction) {
  return reduce(sigmoid_cross_entropy(logits, target), reduction);
}

namespace {
template <typename T>
void require_classes(const BasicTensor<T>& scores, const char* loss) {
  if (scores.rank() != 2) {
    throw Error(fmt::format("{}: need [samples, classes] scores, got shape {}", loss, scores.shape().str()));
  }
}

// Rows renormalised to sum to 1, then clipped to [eps, 1 - eps], then the log (Keras' rule for
// probabilities: keras/src/backend/*/nn.py categorical_crossentropy).
template <typename T>
BasicTensor<T> renormalised_clipped_log(const BasicTensor<T>& p, double clip_epsilon) {
  const T eps = static_cast<T>(clip_epsilon);
  return log(clamp(div(p, sum(p, -1, true)), eps, T(1) - eps));
}
}  // namespace

template <typename T>
BasicTensor<T> categorical_cross_entropy(const BasicTensor<T>& p, const BasicTensor<T>& target, double clip_epsilon,
                                         Reduction reduction) {
  require_classes(p, "categorical_cross_entropy");
  require_same_shape(p, target, "categorical_cross_entropy");
  return reduce(neg(sum(mul(target, renormalised_clipped_log(p, clip_epsilon)), -1)), reduction);
}

template <typename T>
BasicTensor<T> categorical_cross_entropy(const BasicTensor<T>& p, const std::vector<std::int64_t>& classes,
                                         double clip_epsilon, Reduction reduction) {
  require_classes(p, "sparse_categorical_cross_entropy");
  return reduce(neg(pick(renormalised_clipped_log(p, clip_epsilon), classes)), reduction);
}

template <typename T>
BasicTensor<T> cross_entropy_with_logits(const BasicTensor<T>& logits, const BasicTensor<T>& target,
                                         Reduction reduction) {
  require_classes(logits, "cross_entropy");
  require_same_shape(logits, target, "cross_entropy");
  return reduce(neg(sum(mul(target, log_softmax(logits, -1)), -1)), reduction);
}

template <typename T>
BasicTensor<T> cross_entropy_with_logits(const BasicTensor<T>& logits, const std::vector<std::int64_t>& classes,
                                         Reduction reduction) {
  require_classes(logits, "cross_entropy");
  return negative_log_likelihood(log_softmax(logits, -1), classes, reduction);
}

template <typename T>
BasicTensor<T> negative_log_likelihood(const BasicTensor<T>& log_probs, const std::vector<std::int64_t>& classes,
                                       Reduction reduction) {
  require_classes(log_probs, "nll_loss");
  return reduce(neg(pick(log_probs, classes)), reduction);
}

#define DUET_INSTANTIATE(T)                                                                               \
  template BasicTensor<T> reduce(const BasicTensor<T>&, Reduction);                                       \
  template BasicTensor<T> squared_error(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);         \
  template BasicTensor<T> absolute_error(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);        \
  template BasicTensor<T> huber(const BasicTensor<T>&, const BasicTensor<T>&, T, Reduction);               \
  template BasicTensor<T> binary_cross_entropy(const BasicTensor<T>&, const BasicTensor<T>&, ProbabilityGuard, \
                                               Reduction);                                                    \
  template BasicTensor<T> binary_cross_entropy_with_logits(const BasicTensor<T>&, const BasicTensor<T>&,       \
                                                           Reduction);                                        \
  template BasicTensor<T> categorical_cross_entropy(const BasicTensor<T>&, const BasicTensor<T>&, double,      \
                                                    Reduction);                                               \
  template BasicTensor<T> categorical_cross_entropy(const BasicTensor<T>&, const std::vector<std::int64_t>&,   \
                                                    double, Reduction);                                               \
  template BasicTensor<T> cross_entropy_with_logits(const BasicTensor<T>&, const BasicTensor<T>&, Reduction);  \
  template BasicTensor<T> cross_entropy_with_logits(const BasicTensor<T>&, const std::vector<std::int64_t>&,   \
                                                    Reduction);                                               \
  template BasicTensor<T> negative_log_likelihood(const BasicTensor<T>&, const std::vector<std::int64_t>&,     \
                                                  Reduction);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
