/// @file
/// Loss functions, shared by both front-ends. Each takes predictions and targets of the same
/// shape and a reduction. The frameworks' names and defaults live in the front-ends.
#pragma once

#include <cstdint>
#include <vector>

#include "duet/core/tensor.h"

namespace duet {

enum class Reduction {
  none,               ///< per-element losses, input's shape
  sum,                ///< PyTorch reduction='sum'
  mean,               ///< PyTorch reduction='mean': over every element
  mean_of_row_means,  ///< Keras: mean over the last axis per sample, then over the batch
};

/// Apply a reduction to per-element losses.
template <typename T> BasicTensor<T> reduce(const BasicTensor<T>& losses, Reduction reduction);

/// (p - y)^2
template <typename T>
BasicTensor<T> squared_error(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction reduction);
/// |p - y|; the gradient at p = y is 0 (sign(0) = 0).
template <typename T>
BasicTensor<T> absolute_error(const BasicTensor<T>& pred, const BasicTensor<T>& target, Reduction reduction);
/// Huber: 0.5 d^2 for |d| <= delta, else delta (|d| - 0.5 delta). PyTorch's SmoothL1Loss(beta)
/// is huber(delta = beta) / beta.
template <typename T>
BasicTensor<T> huber(const BasicTensor<T>& pred, const BasicTensor<T>& target, T delta, Reduction reduction);

/// How a loss on probabilities keeps log() finite near 0 and 1. The front-end picks the kind and
/// the value: Keras clips with its backend epsilon, PyTorch floors the log.
struct ProbabilityGuard {
  enum class Kind {
    /// Clip p to [epsilon, 1 - epsilon] before the log; the gradient is 0 where p was clipped
    /// (Keras 3, keras/src/backend/*/nn.py, with keras.config.epsilon(); tf.keras 2 also added
    /// epsilon inside the log).
    clip,
    /// Clamp each log at -100; gradient (p - y) / max(p (1 - p), 1e-12) (PyTorch's aten BCELoss).
    log_floor,
  };
  Kind kind;
  double epsilon = 0;  ///< clip only

  static ProbabilityGuard clip(double epsilon) { return {Kind::clip, epsilon}; }
  static ProbabilityGuard log_floor() { return {Kind::log_floor, 0}; }
};

/// -(y log p + (1 - y) log(1 - p)), elementwise, then reduced.
template <typename T>
BasicTensor<T> binary_cross_entropy(const BasicTensor<T>& p, const BasicTensor<T>& target, ProbabilityGuard guard,
                                    Reduction reduction);
/// The same on logits z = log(p / (1 - p)), without forming p (stable for any z).
template <typename T>
BasicTensor<T> binary_cross_entropy_with_logits(const BasicTensor<T>& logits, const BasicTensor<T>& target,
                                                Reduction reduction);

/// Per-sample losses over classes (last axis); the reduction then runs over samples.
/// Probabilities [N, C] against one-hot or probability targets [N, C]: rows of p are first
/// renormalised to sum to 1, then clipped to [clip_epsilon, 1 - clip_epsilon] (Keras'
/// categorical_crossentropy, with its backend epsilon).
template <typename T>
BasicTensor<T> categorical_cross_entropy(const BasicTensor<T>& p, const BasicTensor<T>& target, double clip_epsilon,
                                         Reduction reduction);
/// The same for class-index targets (Keras' sparse_categorical_crossentropy).
template <typename T>
BasicTensor<T> categorical_cross_entropy(const BasicTensor<T>& p, const std::vector<std::int64_t>& classes,
                                         double clip_epsilon, Reduction reduction);
/// Logits [N, C] against probability / one-hot targets [N, C]: -sum(y log_softmax(z)).
template <typename T>
BasicTensor<T> cross_entropy_with_logits(const BasicTensor<T>& logits, const BasicTensor<T>& target,
                                         Reduction reduction);
/// Logits [N, C] against class indices (PyTorch's CrossEntropyLoss with integer targets).
template <typename T>
BasicTensor<T> cross_entropy_with_logits(const BasicTensor<T>& logits, const std::vector<std::int64_t>& classes,
                                         Reduction reduction);
/// Log-probabilities [N, C] against class indices: -logp[i, class_i] (PyTorch's NLLLoss).
template <typename T>
BasicTensor<T> negative_log_likelihood(const BasicTensor<T>& log_probs, const std::vector<std::int64_t>& classes,
                                       Reduction reduction);

}  // namespace duet
