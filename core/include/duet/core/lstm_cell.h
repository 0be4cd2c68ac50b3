/// @file
/// The LSTM recurrence as graph nodes written by hand (a fused cell): every step's gate math, the
/// recurrent products and backpropagation through time in one node, instead of ~15 small graph
/// ops per step. recurrent::lstm uses it when its activations are tanh and sigmoid (both
/// frameworks' defaults).
#pragma once

#include "duet/core/ops.h"
#include "duet/core/recurrent.h"

namespace duet::recurrent {

/// Every step of an LSTM with tanh as its activation and sigmoid as its recurrent activation,
/// given the input projections of all steps. projected: [N T, 4H], the rows of batch-first
/// [N, T, 4H] (x_t W + b, gate blocks i, f, g, o); h0 and c0: [N, H]; recurrent: [H, 4H]
/// (in_out) or [4H, H] (out_in); recurrent_bias: [4H] or undefined. Returns every h_t
/// ([N, T, H]) and c_T ([N, H]), each differentiable in every input (two nodes sharing what the
/// forward pass saved). Shapes are checked by the caller (recurrent::lstm).
template <typename T>
LstmResult<T> fused_lstm(const BasicTensor<T>& projected, const BasicTensor<T>& h0, const BasicTensor<T>& c0,
                         const BasicTensor<T>& recurrent, const BasicTensor<T>& recurrent_bias, WeightLayout layout);

}  // namespace duet::recurrent
