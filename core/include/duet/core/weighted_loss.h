/// @file
/// Label smoothing and weighted cross-entropies in both frameworks' forms. The frameworks differ
/// in where smoothing goes (Keras smooths a binary target towards 0.5, a categorical one towards
/// 1/C; PyTorch's CrossEntropyLoss mixes the class-index loss with a uniform term) and in what a
/// weighted mean divides by (PyTorch's class `weight`: the sum of the weights picked; Keras'
/// sample weights: the batch size).
#pragma once

#include <cstdint>
#include <vector>

#include "duet/core/loss.h"
#include "duet/core/tensor.h"

namespace duet {

/// Categorical targets [N, C] smoothed towards the uniform distribution: y (1 - ls) + ls / C
/// (Keras' categorical_crossentropy; PyTorch's cross_entropy with probability targets).
Tensor smooth_categorical_targets(const Tensor& y, float label_smoothing);

/// Binary targets smoothed towards 0.5: y (1 - ls) + 0.5 ls (Keras' binary_crossentropy).
Tensor smooth_binary_targets(const Tensor& y, float label_smoothing);

/// PyTorch's cross_entropy on logits [N, C] against class indices (aten LossNLL.cpp):
/// (1 - ls) nll + (ls / C) smooth, where nll = -w[y_i] logp[i, y_i] and smooth = -sum_c w[c] logp[i, c]
/// per sample (w = 1 without class weights), samples whose class is `ignore_index` left out. With
/// Reduction::mean both terms are divided by the sum of w[y_i] over the samples kept, not by N.
/// `class_weights` is empty or has C entries.
Tensor class_index_cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& classes,
                                 const std::vector<float>& class_weights, std::int64_t ignore_index,
                                 float label_smoothing, Reduction reduction);

/// PyTorch's cross_entropy on logits [N, C] against probability targets [N, C]: targets smoothed
/// as smooth_categorical_targets, then -sum_c w[c] y[i, c] logp[i, c]; the mean divides by N.
Tensor probability_cross_entropy(const Tensor& logits, const Tensor& target, const std::vector<float>& class_weights,
                                 float label_smoothing, Reduction reduction);

/// PyTorch's binary_cross_entropy_with_logits with `weight` and `pos_weight` (either may be
/// undefined; both broadcast against the last axis): w ((1 - y) z + (1 + (pw - 1) y) softplus(-z)).
/// The mean runs over every element, whatever the weights.
Tensor weighted_binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, const Tensor& weight,
                                                 const Tensor& pos_weight, Reduction reduction);

/// Per-sample losses [N] times sample weights [N], summed and divided by N: Keras 3's
/// "sum_over_batch_size" with sample_weight (keras/src/losses/loss.py), which does not divide by
/// the sum of the weights.
Tensor sample_weighted_mean(const Tensor& per_sample, const Tensor& sample_weight);

}  // namespace duet
