// Matrix products: matmul (2-D and batched) and the fused dense-layer op `affine`.
#include <fmt/format.h>

#include "../autograd.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

using detail::grad_sink;
using detail::make_result;
using detail::wants_grad;

namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using ConstMat = Eigen::Map<const RowMajor<T>>;
template <typename T>
using Mat = Eigen::Map<RowMajor<T>>;

template <typename T>
ConstMat<T> as_matrix(const typename BasicTensor<T>::Array& a, std::int64_t offset, std::int64_t rows,
                      std::int64_t cols) {
  return ConstMat<T>(a.data() + offset, rows, cols);
}
template <typename T>
Mat<T> as_matrix(typename BasicTensor<T>::Array& a, std::int64_t offset, std::int64_t rows, std::int64_t cols) {
  return Mat<T>(a.data() + offset, rows, cols);
}

// A dense layer with at most this many weights runs as plain loops: Eigen's product dispatch
// (its size tests and kernel choice, three times per step) costs more than such a product
// itself (the article's Linear(1, 1): ~50 ns of a ~210 ns training step). Larger layers keep
// Eigen's kernels, which an MLP's epoch is bound by.
constexpr std::int64_t kTinyWeights = 16;

// The weight of input i for output o in either layout.
template <typename T>
T weight_at(const T* w, bool in_out, std::int64_t in, std::int64_t out, std::int64_t i, std::int64_t o) {
  return in_out ? w[i * out + o] : w[o * in + i];
}

// y[r, o] = sum_i x[r, i] w(i, o) (+ b[o]), each sum taken before the bias as Eigen's is.
template <typename T>
void tiny_affine_forward(const T* x, const T* w, const T* b, bool in_out, std::int64_t rows, std::int64_t in,
                         std::int64_t out, T* y) {
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t o = 0; o < out; ++o) {
      T acc = T(0);
      for (std::int64_t i = 0; i < in; ++i) acc += x[r * in + i] * weight_at(w, in_out, in, out, i, o);
      y[r * out + o] = b ? acc + b[o] : acc;
    }
  }
}

}  // namespace

template <typename T>
BasicTensor<T> matmul(const BasicTensor<T>& a, const BasicTensor<T>& b) {
  // a: [n, k] or [B, n, k]; b: [k, m] or [B, k, m]  ->  [n, m] or [B, n, m]
  // backward: da = g b^T, db = a^T g (summed over the batch when b is shared)
  const Shape& sa = a.shape();
  const Shape& sb = b.shape();
  const bool batched = sa.rank() == 3;
  const bool shared_b = sb.rank() == 2;
  if (!((sa.rank() == 2 && sb.rank() == 2) || (batched && (sb.rank() == 2 || sb.rank() == 3)))) {
    throw Error(fmt::format("matmul: {} x {}: need 2-D x 2-D, or 3-D x 2-D/3-D tensors", sa.str(), sb.str()));
  }
  const std::int64_t batch = batched ? sa[0] : 1;
  const std::int64_t n = sa[sa.rank() - 2], k = sa[sa.rank() - 1];
  const std::int64_t kb = sb[sb.rank() - 2], m = sb[sb.rank() - 1];
  if (k != kb) {
    throw Error(fmt::format("matmul: {} x {}: inner dimensions {} and {} differ", sa.str(), sb.str(), k, kb));
  }
  if (batched && !shared_b && sb[0] != batch) {
    throw Error(fmt::format("matmul: {} x {}: batch sizes {} and {} differ", sa.str(), sb.str(), batch, sb[0]));
  }
  const std::int64_t b_step = shared_b ? 0 : k * m;
  auto out = detail::take_values<T>(batch * n * m);
  for (std::int64_t i = 0; i < batch; ++i) {
    as_matrix<T>(out, i * n * m, n, m).noalias() =
        as_matrix<T>(a.data(), i * n * k, n, k) * as_matrix<T>(b.data(), i * b_step, k, m);
  }
  const Shape out_shape = batched ? Shape{batch, n, m} : Shape{n, m};
  return make_result<T>("matmul", out_shape, std::move(out), {&a, &b},
                        [=](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          const auto& av = node.inputs[0]->data;
                          const auto& bv = node.inputs[1]->data;
                          for (std::int64_t i = 0; i < batch; ++i) {
                            const auto gi = as_matrix<T>(g, i * n * m, n, m);
                            if (wants_grad(node, 0)) {
                              as_matrix<T>(grad_sink(node, 0), i * n * k, n, k).noalias() +=
                                  gi * as_matrix<T>(bv, i * b_step, k, m).transpose();
                            }
                            if (wants_grad(node, 1)) {
                              as_matrix<T>(grad_sink(node, 1), i * b_step, k, m).noalias() +=
                                  as_matrix<T>(av, i * n * k, n, k).transpose() * gi;
                            }
                          }
                        });
}

template <typename T>
BasicTensor<T> affine(const BasicTensor<T>& x, const BasicTensor<T>& w, const BasicTensor<T>& b,
                      WeightLayout layout) {
  // x: [N, in]; w: [in, out] (in_out) or [out, in] (out_in); b: [out] or undefined -> [N, out]
  // backward: dx = g w^T (in_out) | g w (out_in); dw = x^T g | g^T x; db = column sums of g
  const bool in_out = layout == WeightLayout::in_out;
  const Shape& sx = x.shape();
  const Shape& sw = w.shape();
  if (sx.rank() != 2 || sw.rank() != 2) {
    throw Error(fmt::format("dense: input {} and weight {} must both be 2-D", sx.str(), sw.str()));
  }
  const std::int64_t rows = sx[0], in = sx[1];
  const std::int64_t w_in = in_out ? sw[0] : sw[1];
  const std::int64_t out_features = in_out ? sw[1] : sw[0];
  if (in != w_in) {
    throw Error(fmt::format("dense: input of shape {} has {} features but the weight of shape {} expects {}",
                            sx.str(), in, sw.str(), w_in));
  }
  const bool has_bias = b.defined();
  if (has_bias && !(b.shape() == Shape{out_features})) {
    throw Error(fmt::format("dense: bias of shape {} does not match {} output units", b.shape().str(), out_features));
  }
  auto out = detail::take_values<T>(rows * out_features);
  const bool tiny = in * out_features <= kTinyWeights;
  if (tiny) {
    tiny_affine_forward(x.data().data(), w.data().data(), has_bias ? b.data().data() : nullptr, in_out, rows, in,
                        out_features, out.data());
    auto backward = [=](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
      const T* xv = node.inputs[0]->data.data();
      const T* wv = node.inputs[1]->data.data();
      if (wants_grad(node, 0)) {
        T* dx = grad_sink(node, 0).data();
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t i = 0; i < in; ++i) {
            T acc = T(0);
            for (std::int64_t o = 0; o < out_features; ++o) acc += g[r * out_features + o] * weight_at(wv, in_out, in, out_features, i, o);
            dx[r * in + i] += acc;
          }
      }
      if (wants_grad(node, 1)) {
        T* dw = grad_sink(node, 1).data();
        for (std::int64_t i = 0; i < in; ++i)
          for (std::int64_t o = 0; o < out_features; ++o) {
            T acc = T(0);
            for (std::int64_t r = 0; r < rows; ++r) acc += xv[r * in + i] * g[r * out_features + o];
            dw[in_out ? i * out_features + o : o * in + i] += acc;
          }
      }
      if (has_bias && wants_grad(node, 2)) {
        T* db = grad_sink(node, 2).data();
        for (std::int64_t o = 0; o < out_features; ++o) {
          T acc = T(0);
          for (std::int64_t r = 0; r < rows; ++r) acc += g[r * out_features + o];
          db[o] += acc;
        }
      }
    };
    if (has_bias) return make_result<T>("dense", Shape{rows, out_features}, std::move(out), {&x, &w, &b}, backward);
    return make_result<T>("dense", Shape{rows, out_features}, std::move(out), {&x, &w}, backward);
  }
  auto y = as_matrix<T>(out, 0, rows, out_features);
  const auto xm = as_matrix<T>(x.data(), 0, rows, in);
  if (in_out) {
    y.noalias() = xm * as_matrix<T>(w.data(), 0, in, out_features);
  } else {
    y.noalias() = xm * as_matrix<T>(w.data(), 0, out_features, in).transpose();
  }
  if (has_bias) y.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(b.data().data(), out_features);

  auto backward = [=](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
    const auto gm = as_matrix<T>(g, 0, rows, out_features);
    const auto xv = as_matrix<T>(node.inputs[0]->data, 0, rows, in);
    const auto& wv = node.inputs[1]->data;
    if (wants_grad(node, 0)) {
      auto dx = as_matrix<T>(grad_sink(node, 0), 0, rows, in);
      if (in_out) dx.noalias() += gm * as_matrix<T>(wv, 0, in, out_features).transpose();
      else dx.noalias() += gm * as_matrix<T>(wv, 0, out_features, in);
    }
    if (wants_grad(node, 1)) {
      if (in_out) as_matrix<T>(grad_sink(node, 1), 0, in, out_features).noalias() += xv.transpose() * gm;
      else as_matrix<T>(grad_sink(node, 1), 0, out_features, in).noalias() += gm.transpose() * xv;
    }
    if (has_bias && wants_grad(node, 2)) {
      Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>>(grad_sink(node, 2).data(), out_features) += gm.colwise().sum();
    }
  };
  if (has_bias) return make_result<T>("dense", Shape{rows, out_features}, std::move(out), {&x, &w, &b}, backward);
  return make_result<T>("dense", Shape{rows, out_features}, std::move(out), {&x, &w}, backward);
}

#define DUET_INSTANTIATE(T)                                                            \
  template BasicTensor<T> matmul(const BasicTensor<T>&, const BasicTensor<T>&);        \
  template BasicTensor<T> affine(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, WeightLayout);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
