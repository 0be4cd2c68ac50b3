// KLDivLoss as PyTorch 1.13 computes it (torch/nn/functional.py kl_div over aten's kl_div):
// the pointwise term from core, then the reduction, "batchmean" being the sum divided by the
// input's first dimension (and left as the sum for a 0-dimensional input, as PyTorch leaves it).
#include "duet/torch/nn/kl_div_loss.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/kl_div.h"
#include "duet/core/loss.h"
#include "duet/core/ops.h"
#include "duet/torch/warning.h"

namespace duet::torch::nn {

const char* kl_div_reduction_name(const KLDivLossOptions::reduction_t& reduction) {
  struct Name {
    const char* operator()(enumtype::kNone) const { return "none"; }
    const char* operator()(enumtype::kBatchMean) const { return "batchmean"; }
    const char* operator()(enumtype::kSum) const { return "sum"; }
    const char* operator()(enumtype::kMean) const { return "mean"; }
  };
  return std::visit(Name{}, reduction);
}

namespace functional {

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options) {
  if (!input.defined() || !target.defined()) throw Error("kl_div: input and target must be defined tensors");
  if (!input.is_floating_point() || !target.is_floating_point()) {
    throw Error(fmt::format("kl_div: input and target must be float32, but got {} and {}", dtype_name(input.dtype()),
                            dtype_name(target.dtype())));
  }
  // PyTorch broadcasts the two ("The size of tensor a (3) must match the size of tensor b (2) at
  // non-singleton dimension 0"); the shapes are checked first so the error names kl_div.
  broadcast_shapes(input.shape(), target.shape(), "kl_div (input and target)");
  const auto& reduction = options.reduction();
  if (std::holds_alternative<enumtype::kMean>(reduction)) {
    // torch/nn/functional.py's warning, word for word (three sentences without spaces between).
    warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
         "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
         "'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  }
  const Tensor pointwise = kl_div_pointwise(input, target, options.log_target());
  if (std::holds_alternative<enumtype::kNone>(reduction)) return pointwise;
  if (std::holds_alternative<enumtype::kMean>(reduction)) return reduce(pointwise, Reduction::mean);
  const Tensor total = reduce(pointwise, Reduction::sum);
  if (std::holds_alternative<enumtype::kBatchMean>(reduction) && input.rank() != 0) {
    return total / static_cast<float>(input.shape()[0]);
  }
  return total;
}

}  // namespace functional

Tensor KLDivLossImpl::forward(const Tensor& input, const Tensor& target) const {
  return functional::kl_div(input, target, options);
}

}  // namespace duet::torch::nn
