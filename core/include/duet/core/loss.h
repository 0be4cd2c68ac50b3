// Loss functions, shared by both front-ends. Each takes predictions and targets of the same
// shape and a reduction. The frameworks' names and defaults live in the front-ends.
#pragma once

#include "duet/core/tensor.h"

namespace duet {

enum class Reduction {
  none,               // per-element losses, input's shape
  sum,                // PyTorch reduction='sum'
  mean,               // PyTorch reduction='mean': over every element
  mean_of_row_means,  // Keras: mean over the last axis per sample, then over the batch
};

// Apply a reduction to per-element losses.
template <typename T> BasicTensor<T> reduce(const BasicTensor<T>& losses, Reduction reduction);

// (p - y)^2
template <typename T>
BasicTensor<T> squared_error(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction reduction);
// |p - y|; the gradient at p = y is 0 (sign(0) = 0).
template <typename T>
BasicTensor<T> absolute_error(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction reduction);
// Huber: 0.5 d^2 for |d| <= delta, else delta (|d| - 0.5 delta). PyTorch's SmoothL1Loss(beta)
// is huber(delta = beta) / beta.
template <typename T>
BasicTensor<T> huber(const BasicTensor<T>& pred, const BasicTensor<T>& target, T delta, Reduction reduction);

}  // namespace duet
