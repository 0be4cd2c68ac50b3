// Ops that move values without arithmetic: reshape, transpose, row slicing and gathering,
// concatenation and per-row picking of class entries.
#include <fmt/format.h>

#include "../autograd.h"
#include "axis_view.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

using detail::AxisView;
using detail::grad_sink;
using detail::make_result;
using detail::wants_grad;

template <typename T>
BasicTensor<T> reshape(const BasicTensor<T>& x, const Shape& shape) {
  if (shape.numel() != x.numel()) {
    throw Error(fmt::format("reshape: cannot reshape {} ({} elements) into {} ({} elements)", x.shape().str(),
                            x.numel(), shape.str(), shape.numel()));
  }
  auto out = make_result<T>("reshape", shape, x.data(), {&x},
                            [](GradNode<T>& node, const TensorImpl<T>&, const auto& g) { grad_sink(node, 0) += g; });
  out.impl().dtype = x.dtype();
  return out;
}

template <typename T>
BasicTensor<T> transpose(const BasicTensor<T>& x) {
  // [n, m] -> [m, n]
  if (x.rank() != 2) throw Error(fmt::format("transpose: need a 2-D tensor, got shape {}", x.shape().str()));
  const std::int64_t n = x.shape()[0], m = x.shape()[1];
  using RM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  typename BasicTensor<T>::Array out(n * m);
  Eigen::Map<RM>(out.data(), m, n) = Eigen::Map<const RM>(x.data().data(), n, m).transpose();
  return make_result<T>("transpose", Shape{m, n}, std::move(out), {&x},
                        [n, m](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          Eigen::Map<RM>(grad_sink(node, 0).data(), n, m) += Eigen::Map<const RM>(g.data(), m, n).transpose();
                        });
}

namespace {
template <typename T>
std::int64_t row_width(const BasicTensor<T>& x, const char* op) {
  if (x.rank() == 0) throw Error(fmt::format("{}: a scalar has no rows", op));
  return x.numel() / std::max<std::int64_t>(x.shape()[0], 1);
}
Shape with_rows(const Shape& s, std::int64_t rows) {
  Shape out = s;
  out[0] = rows;
  return out;
}
}  // namespace

template <typename T>
BasicTensor<T> slice_rows(const BasicTensor<T>& x, std::int64_t begin, std::int64_t end) {
  const std::int64_t width = row_width(x, "slice_rows");
  if (begin < 0 || end < begin || end > x.shape()[0]) {
    throw Error(fmt::format("slice_rows: rows [{}, {}) are outside the {} rows of shape {}", begin, end,
                            x.shape()[0], x.shape().str()));
  }
  typename BasicTensor<T>::Array out = x.data().segment(begin * width, (end - begin) * width);
  auto result = make_result<T>("slice_rows", with_rows(x.shape(), end - begin), std::move(out), {&x},
                               [begin, width](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                                 grad_sink(node, 0).segment(begin * width, g.size()) += g;
                               });
  result.impl().dtype = x.dtype();  // int64 class indices stay int64 in a mini-batch
  return result;
}

template <typename T>
BasicTensor<T> gather_rows(const BasicTensor<T>& x, const std::vector<std::int64_t>& index) {
  const std::int64_t width = row_width(x, "gather_rows");
  const std::int64_t rows = x.shape()[0];
  typename BasicTensor<T>::Array out(static_cast<Eigen::Index>(index.size()) * width);
  for (std::size_t r = 0; r < index.size(); ++r) {
    if (index[r] < 0 || index[r] >= rows) {
      throw Error(fmt::format("gather_rows: index {} at position {} is outside the {} rows of shape {}", index[r], r,
                              rows, x.shape().str()));
    }
    out.segment(static_cast<Eigen::Index>(r) * width, width) = x.data().segment(index[r] * width, width);
  }
  auto result = make_result<T>(
      "gather_rows", with_rows(x.shape(), static_cast<std::int64_t>(index.size())), std::move(out), {&x},
      [index, width](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
        auto& s = grad_sink(node, 0);
        for (std::size_t r = 0; r < index.size(); ++r)
          s.segment(index[r] * width, width) += g.segment(static_cast<Eigen::Index>(r) * width, width);
      });
  result.impl().dtype = x.dtype();
  return result;
}

template <typename T>
BasicTensor<T> concat(const std::vector<BasicTensor<T>>& xs, int axis) {
  if (xs.empty()) throw Error("concat: no tensors to concatenate");
  const Shape& first = xs.front().shape();
  axis = first.normalize_axis(axis, "concat");
  Shape out_shape = first;
  out_shape[axis] = 0;
  for (std::size_t t = 0; t < xs.size(); ++t) {
    const Shape& s = xs[t].shape();
    bool fits = s.rank() == first.rank();
    for (int k = 0; fits && k < s.rank(); ++k) fits = k == axis || s[k] == first[k];
    if (!fits) {
      throw Error(fmt::format("concat: tensor {} has shape {}, which does not match {} outside axis {}", t, s.str(),
                              first.str(), axis));
    }
    out_shape[axis] += s[axis];
  }
  const AxisView out_view(out_shape, axis);
  typename BasicTensor<T>::Array out(out_shape.numel());
  std::vector<std::int64_t> offsets;  // where each input starts along the axis
  std::int64_t offset = 0;
  for (const auto& x : xs) {
    const AxisView v(x.shape(), axis);
    for (std::int64_t o = 0; o < v.outer; ++o)
      out.segment(out_view.index(o, offset, 0), v.n * v.inner) = x.data().segment(v.index(o, 0, 0), v.n * v.inner);
    offsets.push_back(offset);
    offset += v.n;
  }
  // The graph records every input; make_result takes a fixed list, so build the node by hand.
  auto result = BasicTensor<T>::from_array(out_shape, std::move(out));
  bool same_dtype = true;
  for (const auto& x : xs) same_dtype = same_dtype && x.dtype() == xs.front().dtype();
  if (same_dtype) result.impl().dtype = xs.front().dtype();
  bool any = false;
  for (const auto& x : xs) any = any || x.requires_grad();
  if (grad_enabled() && any) {
    std::vector<std::shared_ptr<TensorImpl<T>>> impls;
    for (const auto& x : xs) impls.push_back(x.impl_ptr());
    auto backward = [out_view, offsets](GradNode<T>& n, const TensorImpl<T>&, const auto& g) {
      for (std::size_t t = 0; t < n.inputs.size(); ++t) {
        if (!wants_grad(n, t)) continue;
        // Each input contributes one contiguous run of `len` values per outer index.
        const std::int64_t len = n.inputs[t]->shape.numel() / std::max<std::int64_t>(out_view.outer, 1);
        auto& s = grad_sink(n, t);
        for (std::int64_t o = 0; o < out_view.outer; ++o)
          s.segment(o * len, len) += g.segment(out_view.index(o, offsets[t], 0), len);
      }
    };
    result.impl().grad_fn = detail::make_node<T>("concat", std::move(impls), std::move(backward));
    result.impl().requires_grad = true;
  }
  return result;
}

template <typename T>
BasicTensor<T> take(const BasicTensor<T>& x, const Shape& shape, const std::vector<std::int64_t>& source) {
  if (static_cast<std::int64_t>(source.size()) != shape.numel()) {
    throw Error(fmt::format("take: {} source positions for shape {} ({} elements)", source.size(), shape.str(),
                            shape.numel()));
  }
  const auto& xv = x.data();
  typename BasicTensor<T>::Array out(shape.numel());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] < 0 || source[i] >= x.numel()) {
      throw Error(fmt::format("take: position {} is outside the {} elements of shape {}", source[i], x.numel(),
                              x.shape().str()));
    }
    out[static_cast<Eigen::Index>(i)] = xv[source[i]];
  }
  auto result = make_result<T>("take", shape, std::move(out), {&x},
                               [source](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                                 auto& s = grad_sink(node, 0);
                                 for (std::size_t i = 0; i < source.size(); ++i) s[source[i]] += g[static_cast<Eigen::Index>(i)];
                               });
  result.impl().dtype = x.dtype();
  return result;
}

template <typename T>
BasicTensor<T> pick(const BasicTensor<T>& x, const std::vector<std::int64_t>& index) {
  // x: [N, C], index: N entries in [0, C) -> [N]
  if (x.rank() != 2) throw Error(fmt::format("pick: need a 2-D tensor [N, C], got shape {}", x.shape().str()));
  const std::int64_t rows = x.shape()[0], classes = x.shape()[1];
  if (static_cast<std::int64_t>(index.size()) != rows) {
    throw Error(fmt::format("pick: {} class indices for {} rows of shape {}", index.size(), rows, x.shape().str()));
  }
  typename BasicTensor<T>::Array out(rows);
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t c = index[static_cast<std::size_t>(r)];
    if (c < 0 || c >= classes) {
      throw Error(fmt::format("pick: class index {} in row {} is outside [0, {})", c, r, classes));
    }
    out[r] = x.data()[r * classes + c];
  }
  return make_result<T>("pick", Shape{rows}, std::move(out), {&x},
                        [index, classes](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::size_t r = 0; r < index.size(); ++r)
                            s[static_cast<std::int64_t>(r) * classes + index[r]] += g[static_cast<Eigen::Index>(r)];
                        });
}

#define DUET_INSTANTIATE(T)                                                                      \
  template BasicTensor<T> reshape(const BasicTensor<T>&, const Shape&);                          \
  template BasicTensor<T> transpose(const BasicTensor<T>&);                                      \
  template BasicTensor<T> slice_rows(const BasicTensor<T>&, std::int64_t, std::int64_t);         \
  template BasicTensor<T> gather_rows(const BasicTensor<T>&, const std::vector<std::int64_t>&);  \
  template BasicTensor<T> concat(const std::vector<BasicTensor<T>>&, int);                       \
  template BasicTensor<T> pick(const BasicTensor<T>&, const std::vector<std::int64_t>&);       \
  template BasicTensor<T> take(const BasicTensor<T>&, const Shape&, const std::vector<std::int64_t>&);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
