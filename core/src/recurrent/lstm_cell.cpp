// The fused LSTM (lstm_cell.h): the forward pass projects every step's input with one product,
// then runs the steps and saves each one's gate activations, tanh(c_t), c_{t-1} and h_{t-1}; the
// backward pass walks the steps in reverse (backpropagation through time), then forms the
// gradients of x, of both weights and of the biases with one product each over all steps.
#include "duet/core/lstm_cell.h"

#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "../autograd.h"
#include "../ops/stable_sigmoid.h"

namespace duet::recurrent {

namespace {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// Rows with a stride: one step of a batch-first sequence [N, T, C] is N rows, T C apart.
template <typename T>
using StepMap = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstStepMap = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using RowMap = Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>;

// float64 (gradient checks): the same formulas as duet::sigmoid and duet::tanh
// (ops/stable_sigmoid.h, ops/elementwise.cpp). float32: Eigen's vectorised rational approximations, within a few
// roundings of the exact values on the whole line (tests/core/sequence_test.cpp measures it);
// scalar expf / tanhf per element were a quarter of an LSTM pass.
template <typename Block>
void sigmoid_in_place(Block&& b) {
  using T = typename std::decay_t<Block>::Scalar;
  if constexpr (std::is_same_v<T, float>) {
    b = b.logistic();
  } else {
    b = b.unaryExpr([](T v) { return detail::stable_sigmoid(v); });
  }
}

template <typename Block>
void tanh_in_place(Block&& b) {
  using T = typename std::decay_t<Block>::Scalar;
  if constexpr (std::is_same_v<T, float>) {
    b = b.tanh();
  } else {
    b = b.unaryExpr([](T v) { return std::tanh(v); });
  }
}

// A row-major matrix's values as the flat array of a tensor of the same shape.
template <typename T>
auto flat(const Mat<T>& m) {
  return Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(m.data(), m.size());
}

// The cell's own large buffers (the input projection, the saved gates and states, their
// gradient: ~2.4 MB a pass for issue 16's benchmark), kept per thread for the next call. Freed
// and allocated anew each pass, glibc returned them to the system and faulted them back in page
// by page, which cost up to ten times the arithmetic. At most kKept buffers stay, the most
// recently returned ones.
template <typename T>
class Scratch {
 public:
  // A rows x cols matrix, reusing a kept buffer of that size when there is one (values unset).
  static Mat<T> take(Eigen::Index rows, Eigen::Index cols) {
    Kept& kept = thread_kept();
    if (!kept.destroyed) {
      for (auto it = kept.mats.begin(); it != kept.mats.end(); ++it) {
        if (it->size() == rows * cols) {
          Mat<T> m = std::move(*it);
          kept.mats.erase(it);
          m.resize(rows, cols);  // same size: no reallocation
          return m;
        }
      }
    }
    return Mat<T>(rows, cols);
  }
  // Keeps `m` for a later take (dropping the oldest kept buffer when full).
  static void give(Mat<T>&& m) {
    Kept& kept = thread_kept();
    if (kept.destroyed || m.size() == 0) return;
    if (kept.mats.size() == kKept) kept.mats.erase(kept.mats.begin());
    kept.mats.push_back(std::move(m));
  }

 private:
  static constexpr std::size_t kKept = 8;
  struct Kept {
    std::vector<Mat<T>> mats;
    bool destroyed = false;  // a graph outliving the thread's cache frees its buffers itself
    ~Kept() {
      mats.clear();
      destroyed = true;
    }
  };
  static Kept& thread_kept() {
    thread_local Kept kept;
    return kept;
  }
};

// What the backward passes need besides the nodes' inputs; shared by the outputs' node and the
// final cell state's node. Its buffers go back to Scratch with it.
template <typename T>
struct LstmSaved {
  LstmSaved() = default;
  LstmSaved(const LstmSaved&) = delete;
  LstmSaved& operator=(const LstmSaved&) = delete;
  ~LstmSaved() {
    for (Mat<T>* m : {&gates, &tanh_cells, &c_prev, &h_prev}) Scratch<T>::give(std::move(*m));
  }

  Eigen::Index batch = 0, steps = 0, features = 0, units = 0;
  bool in_out = true;
  std::size_t input_bias_at = 0, recurrent_bias_at = 0;  // their places among the node's inputs; 0: none
  Mat<T> gates;       // i, f, g, o after their activations, step-major: rows [t N, (t + 1) N)
  Mat<T> tanh_cells;  // tanh(c_t), step-major
  Mat<T> c_prev;      // c_{t-1}, step-major
  Mat<T> h_prev;      // h_{t-1}, rows in (row, step) order: the rows of x as [N T, F]
};

// The node's inputs, in this order, then the biases that are defined (LstmSaved::*_bias_at).
enum LstmInput : std::size_t { kX, kH0, kC0, kInputWeight, kRecurrentWeight };

// Backpropagation through time, seeded with the gradient of every h_t (grad_outputs, [N, T, H])
// or of the final cell state (grad_cell, [N, H]); the other is null. Both nodes of one call run
// this with their own seed: the gradients add up, the map from seed to gradient being linear.
template <typename T>
void lstm_backward(GradNode<T>& node, const LstmSaved<T>& s, const T* grad_outputs, const T* grad_cell) {
  const Eigen::Index n = s.batch, steps = s.steps, h = s.units, g4 = 4 * s.units;
  const Eigen::Index f_in = s.features;
  const Eigen::Map<const Mat<T>> u(node.inputs[kRecurrentWeight]->data.data(), s.in_out ? h : g4, s.in_out ? g4 : h);
  const Eigen::Map<const Mat<T>> w(node.inputs[kInputWeight]->data.data(), s.in_out ? f_in : g4, s.in_out ? g4 : f_in);
  // dL/dz_t for every step, rows in (row, step) order as x's.
  Mat<T> dz_all = Scratch<T>::take(n * steps, g4);
  Mat<T> dh = Mat<T>::Zero(n, h), dc(n, h);
  if (grad_cell != nullptr) {
    dc = Eigen::Map<const Mat<T>>(grad_cell, n, h);
  } else {
    dc.setZero();
  }
  for (Eigen::Index t = steps - 1; t >= 0; --t) {
    if (grad_outputs != nullptr) dh += ConstStepMap<T>(grad_outputs + t * h, n, h, Eigen::OuterStride<>(steps * h));
    const auto a = s.gates.middleRows(t * n, n).array();
    const auto i = a.leftCols(h), f = a.middleCols(h, h), g = a.middleCols(2 * h, h), o = a.rightCols(h);
    const auto tc = s.tanh_cells.middleRows(t * n, n).array();
    dc.array() += dh.array() * o * (T(1) - tc.square());
    StepMap<T> dz(dz_all.data() + t * g4, n, g4, Eigen::OuterStride<>(steps * g4));
    dz.leftCols(h) = (dc.array() * g * i * (T(1) - i)).matrix();
    dz.middleCols(h, h) = (dc.array() * s.c_prev.middleRows(t * n, n).array() * f * (T(1) - f)).matrix();
    dz.middleCols(2 * h, h) = (dc.array() * i * (T(1) - g.square())).matrix();
    dz.rightCols(h) = (dh.array() * tc * o * (T(1) - o)).matrix();
    dc.array() *= f;
    if (s.in_out) {
      dh.noalias() = dz * u.transpose();
    } else {
      dh.noalias() = dz * u;
    }
  }
  if (detail::wants_grad(node, kX)) {
    Eigen::Map<Mat<T>> dx(detail::grad_sink(node, kX).data(), n * steps, f_in);
    if (s.in_out) {
      dx.noalias() += dz_all * w.transpose();
    } else {
      dx.noalias() += dz_all * w;
    }
  }
  if (detail::wants_grad(node, kH0)) detail::grad_sink(node, kH0) += flat(dh);
  if (detail::wants_grad(node, kC0)) detail::grad_sink(node, kC0) += flat(dc);
  // Both products sum over every (row, step): x's rows and h_{t-1} against dz_all.
  const Eigen::Map<const Mat<T>> x(node.inputs[kX]->data.data(), n * steps, f_in);
  if (detail::wants_grad(node, kInputWeight)) {
    Eigen::Map<Mat<T>> dw(detail::grad_sink(node, kInputWeight).data(), w.rows(), w.cols());
    if (s.in_out) {
      dw.noalias() += x.transpose() * dz_all;
    } else {
      dw.noalias() += dz_all.transpose() * x;
    }
  }
  if (detail::wants_grad(node, kRecurrentWeight)) {
    Eigen::Map<Mat<T>> du(detail::grad_sink(node, kRecurrentWeight).data(), u.rows(), u.cols());
    if (s.in_out) {
      du.noalias() += s.h_prev.transpose() * dz_all;
    } else {
      du.noalias() += dz_all.transpose() * s.h_prev;
    }
  }
  for (std::size_t at : {s.input_bias_at, s.recurrent_bias_at}) {
    if (at != 0 && detail::wants_grad(node, at)) {
      detail::grad_sink(node, at) += dz_all.colwise().sum().transpose().array();
    }
  }
  Scratch<T>::give(std::move(dz_all));
}

}  // namespace

template <typename T>
LstmResult<T> fused_lstm(const BasicTensor<T>& x, const BasicTensor<T>& h0, const BasicTensor<T>& c0,
                         const Weights<T>& weights) {
  const Eigen::Index n = x.shape()[0], steps = x.shape()[1], f_in = x.shape()[2], h = h0.shape()[1], g4 = 4 * h;
  auto saved = std::make_shared<LstmSaved<T>>();
  LstmSaved<T>& s = *saved;
  s.batch = n, s.steps = steps, s.features = f_in, s.units = h;
  s.in_out = weights.layout == WeightLayout::in_out;
  const Eigen::Map<const Mat<T>> w(weights.input.data().data(), s.in_out ? f_in : g4, s.in_out ? g4 : f_in);
  const Eigen::Map<const Mat<T>> u(weights.recurrent.data().data(), s.in_out ? h : g4, s.in_out ? g4 : h);

  // x W + b for every (row, step) at once.
  Mat<T> projected = Scratch<T>::take(n * steps, g4);
  const Eigen::Map<const Mat<T>> x_rows(x.data().data(), n * steps, f_in);
  if (s.in_out) {
    projected.noalias() = x_rows * w;
  } else {
    projected.noalias() = x_rows * w.transpose();
  }
  if (weights.input_bias.defined()) projected.rowwise() += RowMap<T>(weights.input_bias.data().data(), g4);

  typename BasicTensor<T>::Array outputs(n * steps * h);
  s.gates = Scratch<T>::take(steps * n, g4);
  s.tanh_cells = Scratch<T>::take(steps * n, h);
  s.c_prev = Scratch<T>::take(steps * n, h);
  s.h_prev = Scratch<T>::take(n * steps, h);
  s.c_prev.topRows(n) = Eigen::Map<const Mat<T>>(c0.data().data(), n, h);
  StepMap<T>(s.h_prev.data(), n, h, Eigen::OuterStride<>(steps * h)) = Eigen::Map<const Mat<T>>(h0.data().data(), n, h);
  Mat<T> c_last(n, h);
  for (Eigen::Index t = 0; t < steps; ++t) {
    auto z = s.gates.middleRows(t * n, n);
    z = ConstStepMap<T>(projected.data() + t * g4, n, g4, Eigen::OuterStride<>(steps * g4));
    const ConstStepMap<T> h_prev(s.h_prev.data() + t * h, n, h, Eigen::OuterStride<>(steps * h));
    if (s.in_out) {
      z.noalias() += h_prev * u;
    } else {
      z.noalias() += h_prev * u.transpose();
    }
    if (weights.recurrent_bias.defined()) z.rowwise() += RowMap<T>(weights.recurrent_bias.data().data(), g4);
    sigmoid_in_place(z.leftCols(2 * h).array());
    tanh_in_place(z.middleCols(2 * h, h).array());
    sigmoid_in_place(z.rightCols(h).array());
    auto c = t + 1 < steps ? s.c_prev.middleRows((t + 1) * n, n) : c_last.middleRows(0, n);
    c = (z.middleCols(h, h).array() * s.c_prev.middleRows(t * n, n).array() +
         z.leftCols(h).array() * z.middleCols(2 * h, h).array())
            .matrix();
    auto tc = s.tanh_cells.middleRows(t * n, n);
    tc = c;
    tanh_in_place(tc.array());
    StepMap<T> h_next(outputs.data() + t * h, n, h, Eigen::OuterStride<>(steps * h));
    h_next = (z.rightCols(h).array() * tc.array()).matrix();
    if (t + 1 < steps) StepMap<T>(s.h_prev.data() + (t + 1) * h, n, h, Eigen::OuterStride<>(steps * h)) = h_next;
  }

  Scratch<T>::give(std::move(projected));

  LstmResult<T> result{BasicTensor<T>::from_array(Shape{n, steps, h}, std::move(outputs)),
                       BasicTensor<T>::from_array(Shape{n, h}, flat(c_last))};
  NodeInputs<T> inputs{x.impl_ptr(), h0.impl_ptr(), c0.impl_ptr(), weights.input.impl_ptr(),
                       weights.recurrent.impl_ptr()};
  bool graph = detail::needs_graph<T>({&x, &h0, &c0, &weights.input, &weights.recurrent});
  for (auto [bias, at] : {std::pair{&weights.input_bias, &s.input_bias_at},
                          std::pair{&weights.recurrent_bias, &s.recurrent_bias_at}}) {
    if (!bias->defined()) continue;
    *at = inputs.size();
    inputs.push_back(bias->impl_ptr());
    graph = graph || detail::needs_graph<T>({bias});
  }
  if (!graph) return result;
  // Two nodes over the same inputs and saved values: the outputs' and the final cell state's.
  const auto record = [&saved](BasicTensor<T>& out, NodeInputs<T> node_inputs, bool is_cell) {
    out.impl().grad_fn = detail::make_node<T>(
        is_cell ? "lstm_cell_state" : "lstm", std::move(node_inputs),
        [saved, is_cell](GradNode<T>& node, const TensorImpl<T>&, const typename GradNode<T>::Array& grad) {
          lstm_backward(node, *saved, is_cell ? nullptr : grad.data(), is_cell ? grad.data() : nullptr);
        });
    out.impl().requires_grad = true;
  };
  record(result.outputs, inputs, false);
  record(result.cell, std::move(inputs), true);
  return result;
}

template LstmResult<float> fused_lstm(const Tensor&, const Tensor&, const Tensor&, const Weights<float>&);
template LstmResult<double> fused_lstm(const Tensor64&, const Tensor64&, const Tensor64&, const Weights<double>&);

}  // namespace duet::recurrent
