// Reductions: sum, mean and max, over all elements or along one axis (optionally keeping it).
#include <fmt/format.h>

#include "../autograd.h"
#include "axis_view.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

using detail::AxisView;
using detail::grad_sink;
using detail::make_result;

template <typename T>
BasicTensor<T> sum(const BasicTensor<T>& x) {
  auto v = detail::take_values<T>(1);
  v[0] = x.data().sum();
  return make_result<T>("sum", Shape{}, std::move(v), {&x},
                        [](GradNode<T>& node, const TensorImpl<T>&, const auto& g) { grad_sink(node, 0) += g[0]; });
}

template <typename T>
BasicTensor<T> mean(const BasicTensor<T>& x) {
  if (x.numel() == 0) throw Error(fmt::format("mean: the tensor of shape {} is empty", x.shape().str()));
  const T scale = T(1) / static_cast<T>(x.numel());
  auto v = detail::take_values<T>(1);
  v[0] = x.data().sum() * scale;
  return make_result<T>("mean", Shape{}, std::move(v), {&x},
                        [scale](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          grad_sink(node, 0) += g[0] * scale;
                        });
}

namespace {

// Sum along `axis` times `scale` (1 for sum, 1/n for mean).
template <typename T>
BasicTensor<T> scaled_axis_sum(const char* op, const BasicTensor<T>& x, int axis, bool keepdim, bool average) {
  axis = x.shape().normalize_axis(axis, op);
  if (x.rank() == 0) return average ? mean(x) : sum(x);
  const AxisView view(x.shape(), axis);
  if (average && view.n == 0) throw Error(fmt::format("{}: axis {} of shape {} is empty", op, axis, x.shape().str()));
  const T scale = average ? T(1) / static_cast<T>(view.n) : T(1);
  auto out = detail::take_values<T>(view.outer * view.inner);
  out.setZero();
  const auto& xv = x.data();
  for (std::int64_t o = 0; o < view.outer; ++o)
    for (std::int64_t k = 0; k < view.n; ++k)
      for (std::int64_t i = 0; i < view.inner; ++i) out[view.reduced(o, i)] += xv[view.index(o, k, i)];
  out *= scale;
  return make_result<T>(op, x.shape().without_axis(axis, keepdim), std::move(out), {&x},
                        [view, scale](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::int64_t o = 0; o < view.outer; ++o)
                            for (std::int64_t k = 0; k < view.n; ++k)
                              for (std::int64_t i = 0; i < view.inner; ++i)
                                s[view.index(o, k, i)] += g[view.reduced(o, i)] * scale;
                        });
}

}  // namespace

template <typename T>
BasicTensor<T> sum(const BasicTensor<T>& x, int axis, bool keepdim) {
  return scaled_axis_sum("sum", x, axis, keepdim, false);
}

template <typename T>
BasicTensor<T> mean(const BasicTensor<T>& x, int axis, bool keepdim) {
  return scaled_axis_sum("mean", x, axis, keepdim, true);
}

template <typename T>
BasicTensor<T> max(const BasicTensor<T>& x) {
  if (x.numel() == 0) throw Error(fmt::format("max: the tensor of shape {} is empty", x.shape().str()));
  Eigen::Index arg = 0;
  typename BasicTensor<T>::Array v(1);
  v[0] = x.data().maxCoeff(&arg);
  return make_result<T>("max", Shape{}, std::move(v), {&x},
                        [arg](GradNode<T>& node, const TensorImpl<T>&, const auto& g) { grad_sink(node, 0)[arg] += g[0]; });
}

template <typename T>
BasicTensor<T> max(const BasicTensor<T>& x, int axis, bool keepdim) {
  axis = x.shape().normalize_axis(axis, "max");
  if (x.rank() == 0) return max(x);
  const AxisView view(x.shape(), axis);
  if (view.n == 0) throw Error(fmt::format("max: axis {} of shape {} is empty", axis, x.shape().str()));
  const auto& xv = x.data();
  typename BasicTensor<T>::Array out(view.outer * view.inner);
  std::vector<std::int64_t> argmax(static_cast<std::size_t>(out.size()));
  for (std::int64_t o = 0; o < view.outer; ++o)
    for (std::int64_t i = 0; i < view.inner; ++i) {
      std::int64_t best = view.index(o, 0, i);
      for (std::int64_t k = 1; k < view.n; ++k)
        if (xv[view.index(o, k, i)] > xv[best]) best = view.index(o, k, i);
      out[view.reduced(o, i)] = xv[best];
      argmax[static_cast<std::size_t>(view.reduced(o, i))] = best;
    }
  return make_result<T>("max", x.shape().without_axis(axis, keepdim), std::move(out), {&x},
                        [argmax = std::move(argmax)](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::size_t r = 0; r < argmax.size(); ++r) s[argmax[r]] += g[static_cast<Eigen::Index>(r)];
                        });
}

#define DUET_INSTANTIATE(T)                                             \
  template BasicTensor<T> sum(const BasicTensor<T>&);                   \
  template BasicTensor<T> sum(const BasicTensor<T>&, int, bool);        \
  template BasicTensor<T> mean(const BasicTensor<T>&);                  \
  template BasicTensor<T> mean(const BasicTensor<T>&, int, bool);       \
  template BasicTensor<T> max(const BasicTensor<T>&);                   \
  template BasicTensor<T> max(const BasicTensor<T>&, int, bool);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
