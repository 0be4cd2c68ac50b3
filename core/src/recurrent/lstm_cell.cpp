// The fused LSTM (lstm_cell.h): the forward pass saves each step's gate activations and tanh(c_t);
// the backward pass walks the steps in reverse (backpropagation through time) and then forms the
// recurrent weight's and bias' gradients with one product over all steps.
#include "duet/core/lstm_cell.h"

#include <Eigen/Core>
#include <cmath>
#include <utility>

#include "../autograd.h"

namespace duet::recurrent {

namespace {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// A block of rows with a stride: one step of a batch-first sequence, or a gate block.
template <typename T>
using StepMap = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstStepMap = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;

// The same formulas as duet::sigmoid and duet::tanh (ops/elementwise.cpp), so that the fused
// cell and the loop of graph ops give the same values.
template <typename T>
T logistic(T v) {
  if (v >= T(0)) return T(1) / (T(1) + std::exp(-v));
  const T e = std::exp(v);
  return e / (T(1) + e);
}

template <typename Block>
void sigmoid_in_place(Block&& b) {
  using T = typename std::decay_t<Block>::Scalar;
  b = b.unaryExpr([](T v) { return logistic(v); });
}

template <typename Block>
void tanh_in_place(Block&& b) {
  using T = typename std::decay_t<Block>::Scalar;
  b = b.unaryExpr([](T v) { return std::tanh(v); });
}

// The sizes of one call and where step t of each buffer lives.
struct Geometry {
  Eigen::Index batch, steps, units;
  Eigen::Index gates() const { return 4 * units; }
};

// A row-major matrix's values as the flat array of a tensor of the same shape.
template <typename T>
auto flat(const Mat<T>& m) {
  return Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(m.data(), m.size());
}

// What the backward pass needs besides the node's inputs and output.
template <typename T>
struct LstmSaved {
  Geometry geo;
  bool in_out;
  bool has_bias;
  Mat<T> gates;       // i, f, g, o after their activations, step-major: rows [t N, (t + 1) N)
  Mat<T> tanh_cells;  // tanh(c_t), step-major
};

// Backpropagation through time: node inputs projected, h0, c0, recurrent (, recurrent_bias); y is
// the forward's [N, T, 2H] output and grad_y its gradient.
template <typename T>
void lstm_backward(GradNode<T>& node, const TensorImpl<T>& y, const typename GradNode<T>::Array& grad_y,
                   const LstmSaved<T>& saved) {
  const Eigen::Index n = saved.geo.batch, steps = saved.geo.steps, h = saved.geo.units, g4 = saved.geo.gates();
  const auto& u_data = node.inputs[3]->data;
  const Eigen::Map<const Mat<T>> u(u_data.data(), saved.in_out ? h : g4, saved.in_out ? g4 : h);
  const T* h0 = node.inputs[1]->data.data();
  const T* c0 = node.inputs[2]->data.data();
  const Eigen::OuterStride<> y_stride(steps * 2 * h), dz_stride(steps * g4);
  // dL/dz_t for every step, laid out as `projected` ([N, T, 4H]): its gradient.
  Mat<T> dz_all(n * steps, g4);
  Mat<T> dh = Mat<T>::Zero(n, h), dc = Mat<T>::Zero(n, h);
  for (Eigen::Index t = steps - 1; t >= 0; --t) {
    dh += ConstStepMap<T>(grad_y.data() + t * 2 * h, n, h, y_stride);
    dc += ConstStepMap<T>(grad_y.data() + t * 2 * h + h, n, h, y_stride);
    const auto a = saved.gates.middleRows(t * n, n).array();
    const auto i = a.leftCols(h), f = a.middleCols(h, h), g = a.middleCols(2 * h, h), o = a.rightCols(h);
    const auto tc = saved.tanh_cells.middleRows(t * n, n).array();
    const ConstStepMap<T> c_prev(t == 0 ? c0 : y.data.data() + (t - 1) * 2 * h + h, n, h,
                                 Eigen::OuterStride<>(t == 0 ? h : steps * 2 * h));
    dc.array() += dh.array() * o * (T(1) - tc.square());
    StepMap<T> dz(dz_all.data() + t * g4, n, g4, dz_stride);
    dz.leftCols(h) = (dc.array() * g * i * (T(1) - i)).matrix();
    dz.middleCols(h, h) = (dc.array() * c_prev.array() * f * (T(1) - f)).matrix();
    dz.middleCols(2 * h, h) = (dc.array() * i * (T(1) - g.square())).matrix();
    dz.rightCols(h) = (dh.array() * tc * o * (T(1) - o)).matrix();
    dc.array() *= f;
    if (saved.in_out) {
      dh.noalias() = dz * u.transpose();
    } else {
      dh.noalias() = dz * u;
    }
  }
  if (detail::wants_grad(node, 0)) detail::grad_sink(node, 0) += flat(dz_all);
  if (detail::wants_grad(node, 1)) detail::grad_sink(node, 1) += flat(dh);
  if (detail::wants_grad(node, 2)) detail::grad_sink(node, 2) += flat(dc);
  if (detail::wants_grad(node, 3)) {
    // h_{t-1} of every (row, step), laid out as dz_all's rows: one product over all steps.
    Mat<T> h_prev(n * steps, h);
    for (Eigen::Index r = 0; r < n; ++r) {
      h_prev.row(r * steps) = Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(h0 + r * h, h);
      for (Eigen::Index t = 1; t < steps; ++t) {
        h_prev.row(r * steps + t) =
            Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(y.data.data() + (r * steps + t - 1) * 2 * h, h);
      }
    }
    auto& sink = detail::grad_sink(node, 3);
    Eigen::Map<Mat<T>> du(sink.data(), saved.in_out ? h : g4, saved.in_out ? g4 : h);
    if (saved.in_out) {
      du.noalias() += h_prev.transpose() * dz_all;
    } else {
      du.noalias() += dz_all.transpose() * h_prev;
    }
  }
  if (saved.has_bias && detail::wants_grad(node, 4)) {
    detail::grad_sink(node, 4) += dz_all.colwise().sum().transpose().array();
  }
}

}  // namespace

template <typename T>
BasicTensor<T> fused_lstm(const BasicTensor<T>& projected, const BasicTensor<T>& h0, const BasicTensor<T>& c0,
                          const BasicTensor<T>& recurrent, const BasicTensor<T>& recurrent_bias, WeightLayout layout) {
  const Geometry geo{projected.shape()[0], projected.shape()[1], h0.shape()[1]};
  const Eigen::Index n = geo.batch, steps = geo.steps, h = geo.units, g4 = geo.gates();
  const bool in_out = layout == WeightLayout::in_out;
  const bool has_bias = recurrent_bias.defined();
  const T* p = projected.data().data();
  const Eigen::Map<const Mat<T>> u(recurrent.data().data(), in_out ? h : g4, in_out ? g4 : h);
  const Eigen::Map<const Mat<T>> h_first(h0.data().data(), n, h), c_first(c0.data().data(), n, h);

  typename BasicTensor<T>::Array out(n * steps * 2 * h);
  const Eigen::OuterStride<> out_stride(steps * 2 * h);
  // Saved for backward: gate activations i, f, g, o and tanh(c_t), step-major ([t N + row, ...]).
  Mat<T> gates(steps * n, g4), tanh_cells(steps * n, h);
  for (Eigen::Index t = 0; t < steps; ++t) {
    auto z = gates.middleRows(t * n, n);
    z = ConstStepMap<T>(p + t * g4, n, g4, Eigen::OuterStride<>(steps * g4));
    const ConstStepMap<T> h_prev(t == 0 ? h_first.data() : out.data() + (t - 1) * 2 * h, n, h,
                                 Eigen::OuterStride<>(t == 0 ? h : steps * 2 * h));
    const ConstStepMap<T> c_prev(t == 0 ? c_first.data() : out.data() + (t - 1) * 2 * h + h, n, h,
                                 Eigen::OuterStride<>(t == 0 ? h : steps * 2 * h));
    if (in_out) {
      z.noalias() += h_prev * u;
    } else {
      z.noalias() += h_prev * u.transpose();
    }
    if (has_bias) z.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(recurrent_bias.data().data(), g4);
    sigmoid_in_place(z.leftCols(2 * h).array());
    tanh_in_place(z.middleCols(2 * h, h).array());
    sigmoid_in_place(z.rightCols(h).array());
    StepMap<T> h_next(out.data() + t * 2 * h, n, h, out_stride), c_next(out.data() + t * 2 * h + h, n, h, out_stride);
    c_next = (z.middleCols(h, h).array() * c_prev.array() + z.leftCols(h).array() * z.middleCols(2 * h, h).array())
                 .matrix();
    auto tc = tanh_cells.middleRows(t * n, n);
    tc = c_next;
    tanh_in_place(tc.array());
    h_next = (z.rightCols(h).array() * tc.array()).matrix();
  }

  const Shape shape{n, steps, 2 * h};
  if (!detail::needs_graph<T>({&projected, &h0, &c0, &recurrent}) &&
      !(has_bias && detail::needs_graph<T>({&recurrent_bias}))) {
    return BasicTensor<T>::from_array(shape, std::move(out));
  }
  NodeInputs<T> inputs{projected.impl_ptr(), h0.impl_ptr(), c0.impl_ptr(), recurrent.impl_ptr()};
  if (has_bias) inputs.push_back(recurrent_bias.impl_ptr());
  auto result = BasicTensor<T>::from_array(shape, std::move(out));
  result.impl().grad_fn = detail::make_node<T>(
      "lstm", std::move(inputs),
      [saved = LstmSaved<T>{geo, in_out, has_bias, std::move(gates), std::move(tanh_cells)}](
          GradNode<T>& node, const TensorImpl<T>& y, const typename GradNode<T>::Array& grad_y) {
        lstm_backward(node, y, grad_y, saved);
      });
  result.impl().requires_grad = true;
  return result;
}

template Tensor fused_lstm(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, WeightLayout);
template Tensor64 fused_lstm(const Tensor64&, const Tensor64&, const Tensor64&, const Tensor64&, const Tensor64&,
                             WeightLayout);

}  // namespace duet::recurrent
