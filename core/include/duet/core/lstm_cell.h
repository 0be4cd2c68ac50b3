/// @file
/// The LSTM as graph nodes written by hand (a fused cell): the input projection, every step's
/// gate math and recurrent product, and backpropagation through time in one node, instead of
/// ~15 small graph ops per step. recurrent::lstm uses it when its activations are tanh and sigmoid (both
/// frameworks' defaults).
#pragma once

#include "duet/core/ops.h"
#include "duet/core/recurrent.h"

namespace duet::recurrent {

/// Every step of an LSTM with tanh as its activation and sigmoid as its recurrent activation,
/// its input projection included. x: [N, T, F] (batch-first), h0 and c0: [N, H], weights as for
/// recurrent::lstm (gate blocks i, f, g, o; either layout; either bias may be undefined). Returns
/// every h_t ([N, T, H]) and c_T ([N, H]), each differentiable in every input (two nodes sharing
/// what the forward pass saved). Shapes are checked by the caller (recurrent::lstm); T >= 1.
template <typename T>
LstmResult<T> fused_lstm(const BasicTensor<T>& x, const BasicTensor<T>& h0, const BasicTensor<T>& c0,
                         const Weights<T>& weights);

}  // namespace duet::recurrent
