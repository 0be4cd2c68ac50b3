/// @file
/// torch::nn::KLDivLoss and F::kl_div (PyTorch 1.13, torch/nn/functional.py kl_div): the input
/// is log-probabilities, the target probabilities (or log-probabilities with log_target), the
/// pointwise loss target (log target - input), broadcast as PyTorch broadcasts them. Reductions:
/// "mean" (the default) divides the sum by the number of elements and warns that it is not the
/// KL divergence; "batchmean" divides by the input's first dimension (the true KL divergence per
/// sample); "sum"; "none".
///   torch::nn::KLDivLoss loss(torch::nn::KLDivLossOptions(torch::kBatchMean).log_target(true));
///   F::kl_div(log_p, q, F::KLDivFuncOptions().reduction(torch::kBatchMean));
#pragma once

#include <utility>
#include <variant>

#include "duet/torch/arg.h"
#include "duet/torch/enum.h"
#include "duet/torch/nn/module.h"

namespace duet::torch {

namespace enumtype {
struct kBatchMean {};  ///< reduction='batchmean' (KLDivLoss only)
}  // namespace enumtype
inline constexpr enumtype::kBatchMean kBatchMean{};

namespace nn {

/// KLDivLossOptions().reduction(torch::kBatchMean).log_target(false): libtorch's options, with
/// PyTorch's defaults (reduction mean, log_target false).
struct KLDivLossOptions {
  /// The reductions kl_div accepts.
  using reduction_t = std::variant<enumtype::kNone, enumtype::kBatchMean, enumtype::kSum, enumtype::kMean>;
  KLDivLossOptions() = default;
  /// From torch::kNone, kBatchMean, kSum or kMean, as libtorch's `KLDivLoss(torch::kSum)`.
  KLDivLossOptions(enumtype::kNone r) : reduction_(r) {}       // NOLINT: implicit, as in libtorch
  KLDivLossOptions(enumtype::kBatchMean r) : reduction_(r) {}  // NOLINT: implicit, as in libtorch
  KLDivLossOptions(enumtype::kSum r) : reduction_(r) {}        // NOLINT: implicit, as in libtorch
  KLDivLossOptions(enumtype::kMean r) : reduction_(r) {}       // NOLINT: implicit, as in libtorch
  /// How the pointwise losses are combined (mean by default, with PyTorch's warning).
  DUET_TORCH_ARG(reduction_t, reduction) = enumtype::kMean{};
  /// Whether the target is given as log-probabilities.
  DUET_TORCH_ARG(bool, log_target) = false;
};

/// "none", "batchmean", "sum" or "mean", PyTorch's string for the reduction.
const char* kl_div_reduction_name(const KLDivLossOptions::reduction_t& reduction);

namespace functional {
/// F::kl_div's options (libtorch: an alias of KLDivLossOptions).
using KLDivFuncOptions = KLDivLossOptions;
/// The KL divergence loss of log-probabilities `input` against `target`; shapes must
/// broadcast. Both arguments are differentiable (the target's gradient is NaN where a
/// probability target is 0, as PyTorch's).
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options = {});
}  // namespace functional

// A loss takes (input, target), as in libtorch; hiding Module's one-tensor forward is the point.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Woverloaded-virtual"
#endif
/// The module: F::kl_div with its options.
class KLDivLossImpl : public Module {
 public:
  /// With PyTorch's defaults (reduction mean, log_target false).
  explicit KLDivLossImpl(KLDivLossOptions options_ = {}) : options(std::move(options_)) {}
  /// The loss of log-probabilities `input` against `target`.
  Tensor forward(const Tensor& input, const Tensor& target) const;
  /// As forward.
  Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
  /// "KLDivLoss".
  std::string type_name() const override { return "KLDivLoss"; }
  /// The options it was built with.
  KLDivLossOptions options;
};
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
TORCH_MODULE(KLDivLoss);

}  // namespace nn
}  // namespace duet::torch
