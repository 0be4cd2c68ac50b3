// softmax and log_softmax along one axis, computed from x - max(x) so exp never overflows.
#include "../autograd.h"
#include "axis_view.h"
#include "duet/core/ops.h"

namespace duet {

using detail::AxisView;
using detail::grad_sink;
using detail::make_result;

namespace {

// log_softmax values along `axis` (logsumexp-stable).
template <typename T>
typename BasicTensor<T>::Array log_softmax_values(const BasicTensor<T>& x, const AxisView& v) {
  const auto& xv = x.data();
  typename BasicTensor<T>::Array out(xv.size());
  for (std::int64_t o = 0; o < v.outer; ++o)
    for (std::int64_t i = 0; i < v.inner; ++i) {
      T m = xv[v.index(o, 0, i)];
      for (std::int64_t k = 1; k < v.n; ++k) m = std::max(m, xv[v.index(o, k, i)]);
      T s = 0;
      for (std::int64_t k = 0; k < v.n; ++k) s += std::exp(xv[v.index(o, k, i)] - m);
      const T lse = m + std::log(s);
      for (std::int64_t k = 0; k < v.n; ++k) out[v.index(o, k, i)] = xv[v.index(o, k, i)] - lse;
    }
  return out;
}

}  // namespace

template <typename T>
BasicTensor<T> log_softmax(const BasicTensor<T>& x, int axis) {
  // backward: dx = g - softmax * sum_k g
  axis = x.shape().normalize_axis(axis, "log_softmax");
  const AxisView v(x.rank() == 0 ? Shape{1} : x.shape(), axis);
  return make_result<T>("log_softmax", x.shape(), log_softmax_values(x, v), {&x},
                        [v](GradNode<T>& node, const TensorImpl<T>& out, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::int64_t o = 0; o < v.outer; ++o)
                            for (std::int64_t i = 0; i < v.inner; ++i) {
                              T gsum = 0;
                              for (std::int64_t k = 0; k < v.n; ++k) gsum += g[v.index(o, k, i)];
                              for (std::int64_t k = 0; k < v.n; ++k) {
                                const auto j = v.index(o, k, i);
                                s[j] += g[j] - std::exp(out.data[j]) * gsum;
                              }
                            }
                        });
}

template <typename T>
BasicTensor<T> softmax(const BasicTensor<T>& x, int axis) {
  // backward: dx = y * (g - sum_k g y)
  axis = x.shape().normalize_axis(axis, "softmax");
  const AxisView v(x.rank() == 0 ? Shape{1} : x.shape(), axis);
  typename BasicTensor<T>::Array values = log_softmax_values(x, v).exp();
  return make_result<T>("softmax", x.shape(), std::move(values), {&x},
                        [v](GradNode<T>& node, const TensorImpl<T>& out, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          const auto& y = out.data;
                          for (std::int64_t o = 0; o < v.outer; ++o)
                            for (std::int64_t i = 0; i < v.inner; ++i) {
                              T dot = 0;
                              for (std::int64_t k = 0; k < v.n; ++k) dot += g[v.index(o, k, i)] * y[v.index(o, k, i)];
                              for (std::int64_t k = 0; k < v.n; ++k) {
                                const auto j = v.index(o, k, i);
                                s[j] += y[j] * (g[j] - dot);
                              }
                            }
                        });
}

template BasicTensor<float> softmax(const BasicTensor<float>&, int);
template BasicTensor<double> softmax(const BasicTensor<double>&, int);
template BasicTensor<float> log_softmax(const BasicTensor<float>&, int);
template BasicTensor<double> log_softmax(const BasicTensor<double>&, int);

}  // namespace duet
