// Label smoothing and weighted cross-entropies, composed from differentiable ops.
#include "duet/core/weighted_loss.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

namespace {
void require_smoothing(float ls, const char* where) {
  if (!(ls >= 0.0f && ls <= 1.0f)) {
    throw Error(fmt::format("{}: label_smoothing must be between 0.0 and 1.0. Got: {:g}", where, ls));
  }
}

Tensor reduce_per_sample(const Tensor& per_sample, Reduction reduction, const Tensor& denominator) {
  switch (reduction) {
    case Reduction::none: return per_sample;
    case Reduction::sum: return sum(per_sample);
    default: return div(sum(per_sample), denominator);
  }
}

Tensor weight_row(const std::vector<float>& class_weights, std::int64_t classes, const char* where) {
  if (class_weights.empty()) return Tensor::ones(Shape{classes});
  if (static_cast<std::int64_t>(class_weights.size()) != classes) {
    throw Error(fmt::format("{}: weight has {} entries for {} classes", where, class_weights.size(), classes));
  }
  return Tensor::from_data(Shape{classes}, class_weights);
}
}  // namespace

Tensor smooth_categorical_targets(const Tensor& y, float label_smoothing) {
  require_smoothing(label_smoothing, "categorical label smoothing");
  const auto classes = static_cast<float>(y.shape()[y.rank() - 1]);
  return add_scalar(mul_scalar(y, 1.0f - label_smoothing), label_smoothing / classes);
}

Tensor smooth_binary_targets(const Tensor& y, float label_smoothing) {
  require_smoothing(label_smoothing, "binary label smoothing");
  return add_scalar(mul_scalar(y, 1.0f - label_smoothing), 0.5f * label_smoothing);
}

Tensor class_index_cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& classes,
                                 const std::vector<float>& class_weights, std::int64_t ignore_index,
                                 float label_smoothing, Reduction reduction) {
  require_smoothing(label_smoothing, "cross_entropy");
  if (logits.rank() != 2) throw Error(fmt::format("cross_entropy: need [samples, classes] logits, got {}", logits.shape().str()));
  const std::int64_t n = logits.shape()[0], c = logits.shape()[1];
  const Tensor w = weight_row(class_weights, c, "cross_entropy");
  // Per sample: the weight of its class, 0 for an ignored sample (whose index is replaced by 0
  // so that the pick stays in range; its terms are multiplied by 0).
  std::vector<std::int64_t> picked(classes.size());
  std::vector<float> sample_weight(classes.size());
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const bool ignored = classes[i] == ignore_index;
    picked[i] = ignored ? 0 : classes[i];
    sample_weight[i] = ignored ? 0.0f : w.data()[picked[i]];
  }
  const Tensor sw = Tensor::from_data(Shape{n}, sample_weight);
  const Tensor logp = log_softmax(logits, -1);
  const Tensor nll = neg(mul(pick(logp, picked), sw));
  Tensor denominator = sum(sw);
  if (label_smoothing == 0.0f) return reduce_per_sample(nll, reduction, denominator);
  std::vector<float> kept(classes.size());
  for (std::size_t i = 0; i < classes.size(); ++i) kept[i] = classes[i] == ignore_index ? 0.0f : 1.0f;
  const Tensor smooth = neg(mul(sum(mul(logp, w), -1), Tensor::from_data(Shape{n}, kept)));
  // aten: (1 - ls) * nll_loss(...) + smooth_loss_reduced * (ls / C); both means divide by the
  // picked weights (the count of kept samples without weights).
  return add(mul_scalar(reduce_per_sample(nll, reduction, denominator), 1.0f - label_smoothing),
             mul_scalar(reduce_per_sample(smooth, reduction, denominator), label_smoothing / static_cast<float>(c)));
}

Tensor probability_cross_entropy(const Tensor& logits, const Tensor& target, const std::vector<float>& class_weights,
                                 float label_smoothing, Reduction reduction) {
  if (!(logits.shape() == target.shape())) {
    throw Error(fmt::format("cross_entropy: logits {} and probability targets {} differ", logits.shape().str(),
                            target.shape().str()));
  }
  const std::int64_t n = logits.shape()[0], c = logits.shape()[1];
  const Tensor y = label_smoothing > 0.0f ? smooth_categorical_targets(target, label_smoothing) : target;
  const Tensor w = weight_row(class_weights, c, "cross_entropy");
  const Tensor per_sample = neg(sum(mul(mul(log_softmax(logits, -1), y), w), -1));
  return reduce_per_sample(per_sample, reduction, Tensor::scalar(static_cast<float>(n)));
}

Tensor weighted_binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, const Tensor& weight,
                                                 const Tensor& pos_weight, Reduction reduction) {
  Tensor losses = sigmoid_cross_entropy(logits, target);  // (1 - y) z + softplus(-z)
  if (pos_weight.defined()) {
    // aten: log_weight = 1 + (pw - 1) y multiplies softplus(-z); the extra (pw - 1) y softplus(-z).
    losses = add(losses, mul(mul(add_scalar(pos_weight, -1.0f), target), softplus(neg(logits))));
  }
  if (weight.defined()) losses = mul(losses, weight);
  return reduce(losses, reduction);
}

Tensor sample_weighted_mean(const Tensor& per_sample, const Tensor& sample_weight) {
  if (!(per_sample.shape() == sample_weight.shape())) {
    throw Error(fmt::format("sample_weight: {} weights for losses of shape {}", sample_weight.shape().str(),
                            per_sample.shape().str()));
  }
  return mean(mul(per_sample, sample_weight));
}

}  // namespace duet
