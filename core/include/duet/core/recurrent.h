/// @file
/// The recurrent layers' arithmetic, shared by both front-ends: a simple RNN, an LSTM and a GRU
/// run as a loop over the steps of a batch-first sequence [N, T, F] on the ordinary autograd.
/// The input projection of every step is one product before the loop; each step adds the
/// recurrent product and applies its gates. Front-ends choose the layout of the packed weights,
/// the bias split, the GRU's gate order and where its reset gate applies.
#pragma once

#include <functional>
#include <type_traits>

#include "duet/core/ops.h"

namespace duet::recurrent {

/// Which function an Activation computes, when the fused cells (lstm_cell.h) know its
/// derivative: they run only when every activation of a layer is a known one.
enum class ActivationKind { other, tanh, sigmoid };

/// An activation applied elementwise (tanh, sigmoid, relu, ...): any callable on tensors, or
/// tanh() / sigmoid(), which also tell the loops that a fused cell may compute them.
template <typename T>
class Activation {
 public:
  using Function = std::function<BasicTensor<T>(const BasicTensor<T>&)>;  ///< what any activation computes

  /// Any callable tensor -> tensor (its kind is `other`: the layer runs as a loop of graph ops).
  template <typename F>
    requires std::is_invocable_r_v<BasicTensor<T>, const F&, const BasicTensor<T>&>
  Activation(F f) : function_(std::move(f)) {}  // NOLINT(google-explicit-constructor): lambdas convert

  /// duet::tanh, known to the fused cells.
  static Activation tanh() { return Activation(ActivationKind::tanh); }
  /// duet::sigmoid, known to the fused cells.
  static Activation sigmoid() { return Activation(ActivationKind::sigmoid); }

  /// The activation of `x`.
  BasicTensor<T> operator()(const BasicTensor<T>& x) const { return function_(x); }
  /// tanh or sigmoid when made by tanh() / sigmoid(), otherwise other.
  ActivationKind kind() const { return kind_; }

 private:
  explicit Activation(ActivationKind kind) : kind_(kind) {
    if (kind == ActivationKind::tanh) {
      function_ = [](const BasicTensor<T>& x) { return duet::tanh(x); };
    } else {
      function_ = [](const BasicTensor<T>& x) { return duet::sigmoid(x); };
    }
  }
  Function function_;
  ActivationKind kind_ = ActivationKind::other;
};

/// One layer's packed weights: G gate blocks of H units each, side by side.
template <typename T>
struct Weights {
  BasicTensor<T> input;           ///< [F, G*H] with in_out (Keras' kernel), [G*H, F] with out_in (PyTorch's weight_ih)
  BasicTensor<T> recurrent;       ///< [H, G*H] (in_out) or [G*H, H] (out_in)
  BasicTensor<T> input_bias;      ///< [G*H] or undefined (Keras' bias, PyTorch's bias_ih)
  BasicTensor<T> recurrent_bias;  ///< [G*H] or undefined (PyTorch's bias_hh; Keras' GRU reset_after bias row 1)
  WeightLayout layout = WeightLayout::in_out;
};

/// h_t = activation(x_t W + b + h_{t-1} U (+ b_hh)). x: [N, T, F], h0: [N, H] -> every h_t: [N, T, H].
template <typename T>
BasicTensor<T> simple_rnn(const BasicTensor<T>& x, const BasicTensor<T>& h0, const Weights<T>& w,
                          const Activation<T>& activation);

/// An LSTM's outputs (every h_t, [N, T, H]) and its final cell state c_T ([N, H]).
template <typename T>
struct LstmResult {
  BasicTensor<T> outputs;
  BasicTensor<T> cell;
};

/// Gate blocks in the order i, f, c (g), o: the same in Keras (keras/src/layers/rnn/lstm.py) and
/// PyTorch (torch.nn.LSTM's weight_ih_l0 doc: W_ii|W_if|W_ig|W_io), so no reordering exists here.
/// c_t = f c_{t-1} + i activation(z_c); h_t = o activation(c_t); i, f, o = recurrent_activation.
/// With Activation::tanh() and Activation::sigmoid() (both frameworks' defaults) the layer runs
/// as the fused cell of lstm_cell.h; with other activations, as a loop of graph ops.
template <typename T>
LstmResult<T> lstm(const BasicTensor<T>& x, const BasicTensor<T>& h0, const BasicTensor<T>& c0, const Weights<T>& w,
                   const Activation<T>& activation, const Activation<T>& recurrent_activation);

/// Where a GRU's block of each gate sits in the packed weights (0, 1 or 2). Keras: update z = 0,
/// reset r = 1, candidate h = 2 (keras/src/layers/rnn/gru.py); PyTorch: r = 0, z = 1, n = 2.
struct GruGates {
  int update = 0;
  int reset = 1;
  int candidate = 2;
};

/// Where a GRU's reset gate multiplies. after_product (PyTorch always; Keras' reset_after=True,
/// its default): candidate = act(x W_h + b_h + r * (h U_h + b_hh_h)). before_product (Keras'
/// reset_after=False): candidate = act(x W_h + b_h + (r * h) U_h).
enum class ResetGate { after_product, before_product };

/// h_t = z h_{t-1} + (1 - z) candidate, z and r = recurrent_activation. x: [N, T, F], h0: [N, H]
/// -> every h_t: [N, T, H].
template <typename T>
BasicTensor<T> gru(const BasicTensor<T>& x, const BasicTensor<T>& h0, const Weights<T>& w, GruGates gates,
                   ResetGate reset, const Activation<T>& activation, const Activation<T>& recurrent_activation);

}  // namespace duet::recurrent
