/// @file
/// Batch and layer normalisation: the normalising ops (with their gradients through the batch
/// statistics) and the running-statistics update, whose two framework conventions are named
/// variants. The learnt scale and shift (gamma / beta, weight / bias) are applied by the
/// front-ends with mul and add, broadcast against the channel axis of their layout.
#pragma once

#include <cstdint>

#include "duet/core/tensor.h"

namespace duet {

/// What batch_normalize returns: the normalised values and the batch statistics per channel.
template <typename T>
struct BatchMoments {
  BasicTensor<T> normalized;  ///< (x - mean) / sqrt(variance + eps), same shape as x
  BasicTensor<T> mean;        ///< [C], a constant (not in the graph)
  BasicTensor<T> variance;    ///< [C], biased (divisor count), a constant
  std::int64_t count = 0;     ///< values per channel: numel / C
};

/// Training-mode normalisation over every axis except `channel_axis` (Keras: the last, channels
/// last; PyTorch: 1, channels first), with the batch's mean and biased variance. Both frameworks
/// normalise with the biased variance and differentiate through mean and variance:
/// dx = r / n (n g - sum g - x_hat sum(g x_hat)) per channel, r = 1 / sqrt(var + eps).
/// x has rank 2 to 4; eps must be finite and >= 0.
template <typename T>
BatchMoments<T> batch_normalize(const BasicTensor<T>& x, int channel_axis, T eps);

/// Inference-mode normalisation with given statistics ([C] each, constants):
/// (x - mean) / sqrt(variance + eps); the gradient reaches x only.
template <typename T>
BasicTensor<T> normalize_with(const BasicTensor<T>& x, const BasicTensor<T>& mean, const BasicTensor<T>& variance,
                              int channel_axis, T eps);

/// How the running (moving) statistics follow the batch statistics.
/// - Which value the momentum weighs: PyTorch's `momentum` weighs the NEW batch value
///   (running = (1 - m) running + m batch, default m = 0.1, torch/nn/modules/batchnorm.py);
///   Keras' weighs the OLD moving value (moving = m moving + (1 - m) batch, default m = 0.99,
///   keras/src/layers/normalization/batch_normalization.py). Same number for m_torch = 1 - m_keras.
enum class MomentumWeighs { new_value, old_value };
/// - Which variance is averaged in: PyTorch stores the unbiased batch variance (divisor n - 1,
///   aten's batch_norm_cpu_update_stats_template), Keras the biased one it normalised with
///   (ops.moments, divisor n).
enum class RunningVariance { unbiased, biased };

/// One framework's running-statistics rule.
struct RunningStatsRule {
  double momentum = 0.1;
  MomentumWeighs weighs = MomentumWeighs::new_value;
  RunningVariance variance = RunningVariance::unbiased;
};

/// Updates running_mean and running_var ([C]) in place, outside the graph, from a training
/// batch's moments under `rule`. The unbiased rule needs count > 1 (an error otherwise).
template <typename T>
void update_running_stats(BasicTensor<T>& running_mean, BasicTensor<T>& running_var, const BatchMoments<T>& batch,
                          const RunningStatsRule& rule);

/// Layer normalisation over the last axis: each row (all leading axes) minus its mean, divided by
/// sqrt(biased variance + eps) (PyTorch's LayerNorm over the last dim, Keras' LayerNormalization
/// with axis=-1). Gradient as batch_normalize's, per row.
template <typename T>
BasicTensor<T> layer_normalize(const BasicTensor<T>& x, T eps);

}  // namespace duet
