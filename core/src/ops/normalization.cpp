// Batch and layer normalisation. Both normalise groups of values by their own mean and biased
// variance; a group is one channel across the batch (batch norm) or one row (layer norm), so one
// forward and one backward over an AxisView serve both.
#include "duet/core/normalization.h"

#include <fmt/format.h>

#include <cmath>

#include "../autograd.h"
#include "axis_view.h"
#include "duet/core/error.h"

namespace duet {

using detail::AxisView;
using detail::grad_sink;
using detail::make_result;

namespace {

// The groups of an AxisView: per_channel groups by the middle index k (batch norm: members o, i),
// otherwise by the outer index o with inner == 1 (layer norm: members k).
struct Groups {
  AxisView view;
  bool per_channel;
  std::int64_t count() const { return per_channel ? view.n : view.outer * view.inner; }
  std::int64_t size() const { return per_channel ? view.outer * view.inner : view.n; }
  std::int64_t index(std::int64_t group, std::int64_t member) const {
    if (per_channel) return view.index(member / view.inner, group, member % view.inner);
    return view.index(group, member, 0);
  }
};

template <typename T>
struct Normalized {
  typename BasicTensor<T>::Array values, mean, variance;
};

// x_hat = (x - mean) / sqrt(var + eps) per group; mean and var accumulated in double (the
// two-pass form, so large offsets do not cancel the variance away).
template <typename T>
Normalized<T> normalize_groups(const typename BasicTensor<T>::Array& x, const Groups& g, T eps) {
  Normalized<T> out{typename BasicTensor<T>::Array(x.size()), typename BasicTensor<T>::Array(g.count()),
                    typename BasicTensor<T>::Array(g.count())};
  const auto n = static_cast<double>(g.size());
  for (std::int64_t c = 0; c < g.count(); ++c) {
    double sum = 0;
    for (std::int64_t j = 0; j < g.size(); ++j) sum += static_cast<double>(x[g.index(c, j)]);
    const double mean = sum / n;
    double squares = 0;
    for (std::int64_t j = 0; j < g.size(); ++j) {
      const double d = static_cast<double>(x[g.index(c, j)]) - mean;
      squares += d * d;
    }
    out.mean[c] = static_cast<T>(mean);
    out.variance[c] = static_cast<T>(squares / n);
    const T r = T(1) / std::sqrt(out.variance[c] + eps);
    for (std::int64_t j = 0; j < g.size(); ++j) out.values[g.index(c, j)] = (x[g.index(c, j)] - out.mean[c]) * r;
  }
  return out;
}

// Records x_hat with the gradient through its group's statistics:
// dx = r / n (n g - sum g - x_hat sum(g x_hat)).
template <typename T>
BasicTensor<T> record_normalized(const char* op, const BasicTensor<T>& x, const Groups& groups,
                                 const typename BasicTensor<T>::Array& variance, T eps,
                                 typename BasicTensor<T>::Array values) {
  typename BasicTensor<T>::Array inv_std = (variance + eps).sqrt().inverse();
  return make_result<T>(op, x.shape(), std::move(values), {&x},
                        [groups, inv_std](GradNode<T>& node, const TensorImpl<T>& out, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          const T n = static_cast<T>(groups.size());
                          for (std::int64_t c = 0; c < groups.count(); ++c) {
                            T gsum = 0, gxsum = 0;
                            for (std::int64_t j = 0; j < groups.size(); ++j) {
                              const auto i = groups.index(c, j);
                              gsum += g[i];
                              gxsum += g[i] * out.data[i];
                            }
                            for (std::int64_t j = 0; j < groups.size(); ++j) {
                              const auto i = groups.index(c, j);
                              s[i] += inv_std[c] / n * (n * g[i] - gsum - out.data[i] * gxsum);
                            }
                          }
                        });
}

template <typename T>
int channel_axis_of(const BasicTensor<T>& x, int channel_axis, const char* op) {
  if (x.rank() < 2 || x.rank() > 4) {
    throw Error(fmt::format("{}: expected an input of rank 2, 3 or 4 (a batch axis first), got shape {}", op,
                            x.shape().str()));
  }
  const int axis = x.shape().normalize_axis(channel_axis, op);
  if (axis == 0) throw Error(fmt::format("{}: the channel axis cannot be the batch axis 0 (shape {})", op, x.shape().str()));
  return axis;
}

template <typename T>
void require_eps(T eps, const char* op) {
  if (!(eps >= T(0)) || !std::isfinite(eps)) {
    throw Error(fmt::format("{}: epsilon must be a finite number >= 0, got {:g}", op, static_cast<double>(eps)));
  }
}

}  // namespace

template <typename T>
BatchMoments<T> batch_normalize(const BasicTensor<T>& x, int channel_axis, T eps) {
  require_eps(eps, "batch_norm");
  const int axis = channel_axis_of(x, channel_axis, "batch_norm");
  const Groups groups{AxisView(x.shape(), axis), true};
  if (groups.size() == 0) throw Error(fmt::format("batch_norm: the input of shape {} is empty", x.shape().str()));
  auto n = normalize_groups<T>(x.data(), groups, eps);
  BatchMoments<T> out;
  out.count = groups.size();
  out.normalized = record_normalized<T>("batch_norm", x, groups, n.variance, eps, std::move(n.values));
  out.mean = BasicTensor<T>::from_array(Shape{groups.count()}, std::move(n.mean));
  out.variance = BasicTensor<T>::from_array(Shape{groups.count()}, std::move(n.variance));
  return out;
}

template <typename T>
BasicTensor<T> normalize_with(const BasicTensor<T>& x, const BasicTensor<T>& mean, const BasicTensor<T>& variance,
                              int channel_axis, T eps) {
  require_eps(eps, "batch_norm");
  const int axis = channel_axis_of(x, channel_axis, "batch_norm");
  const Groups groups{AxisView(x.shape(), axis), true};
  const Shape channels{groups.count()};
  if (!(mean.shape() == channels) || !(variance.shape() == channels)) {
    throw Error(fmt::format("batch_norm: statistics of shapes {} and {} do not match the {} channels of input {}",
                            mean.shape().str(), variance.shape().str(), groups.count(), x.shape().str()));
  }
  typename BasicTensor<T>::Array inv_std = (variance.data() + eps).sqrt().inverse();
  const auto& xv = x.data();
  typename BasicTensor<T>::Array values(xv.size());
  for (std::int64_t c = 0; c < groups.count(); ++c)
    for (std::int64_t j = 0; j < groups.size(); ++j) {
      const auto i = groups.index(c, j);
      values[i] = (xv[i] - mean.data()[c]) * inv_std[c];
    }
  return make_result<T>("batch_norm", x.shape(), std::move(values), {&x},
                        [groups, inv_std](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::int64_t c = 0; c < groups.count(); ++c)
                            for (std::int64_t j = 0; j < groups.size(); ++j) {
                              const auto i = groups.index(c, j);
                              s[i] += g[i] * inv_std[c];
                            }
                        });
}

template <typename T>
void update_running_stats(BasicTensor<T>& running_mean, BasicTensor<T>& running_var, const BatchMoments<T>& batch,
                          const RunningStatsRule& rule) {
  if (!(rule.momentum >= 0) || !std::isfinite(rule.momentum)) {
    throw Error(fmt::format("batch_norm: momentum must be a finite number >= 0, got {:g}", rule.momentum));
  }
  if (!(running_mean.shape() == batch.mean.shape()) || !(running_var.shape() == batch.mean.shape())) {
    throw Error(fmt::format("batch_norm: running statistics of shapes {} and {} do not match {} channels",
                            running_mean.shape().str(), running_var.shape().str(), batch.mean.numel()));
  }
  const auto n = static_cast<T>(batch.count);
  typename BasicTensor<T>::Array variance = batch.variance.data();
  if (rule.variance == RunningVariance::unbiased) {
    if (batch.count < 2) {
      throw Error(fmt::format("batch_norm: the unbiased running variance needs more than 1 value per channel, got {}",
                              batch.count));
    }
    variance *= n / (n - T(1));  // Bessel's correction
  }
  // PyTorch: momentum * batch + (1 - momentum) * running; Keras: moving * momentum + batch * (1 -
  // momentum). Each weight is formed as its framework forms it, so the float rounding matches.
  const T m = static_cast<T>(rule.momentum);
  const bool weighs_new = rule.weighs == MomentumWeighs::new_value;
  const T take = weighs_new ? m : T(1) - m, keep = weighs_new ? T(1) - m : m;
  auto& rm = running_mean.mutable_data();
  auto& rv = running_var.mutable_data();
  rm = keep * rm + take * batch.mean.data();
  rv = keep * rv + take * variance;
}

template <typename T>
BasicTensor<T> layer_normalize(const BasicTensor<T>& x, T eps) {
  require_eps(eps, "layer_norm");
  if (x.rank() < 1) throw Error("layer_norm: a scalar has no axis to normalise");
  const Groups groups{AxisView(x.shape(), x.rank() - 1), false};
  if (groups.size() == 0) throw Error(fmt::format("layer_norm: the last axis of shape {} is empty", x.shape().str()));
  auto n = normalize_groups<T>(x.data(), groups, eps);
  return record_normalized<T>("layer_norm", x, groups, n.variance, eps, std::move(n.values));
}

#define DUET_INSTANTIATE(T)                                                                                    \
  template BatchMoments<T> batch_normalize(const BasicTensor<T>&, int, T);                                     \
  template BasicTensor<T> normalize_with(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,  \
                                         int, T);                                                              \
  template void update_running_stats(BasicTensor<T>&, BasicTensor<T>&, const BatchMoments<T>&,                 \
                                     const RunningStatsRule&);                                                 \
  template BasicTensor<T> layer_normalize(const BasicTensor<T>&, T);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
