#include "duet/torch/functions.h"

#include <fmt/format.h>

#include "duet/core/dropout.h"
#include "duet/core/error.h"
#include "duet/torch/nn/loss.h"

namespace duet::torch {

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) {
  if (tensors.empty()) throw Error("cat: expected a non-empty list of Tensors");
  const int rank = tensors.front().rank();
  if (dim < -rank || dim >= rank) {
    throw Error(fmt::format("cat: Dimension out of range (expected to be in range of [{}, {}], but got {})", -rank,
                            rank - 1, dim));
  }
  return concat(tensors, static_cast<int>(dim));
}

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim) {
  if (tensors.empty()) throw Error("stack: expects a non-empty TensorList");
  std::vector<Tensor> expanded;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (!(tensors[i].shape() == tensors.front().shape())) {
      throw Error(fmt::format("stack: stack expects each tensor to be equal size, but got {} at entry 0 and {} at entry {}",
                              tensors.front().shape().str(), tensors[i].shape().str(), i));
    }
    expanded.push_back(tensors[i].unsqueeze(dim));
  }
  const std::int64_t rank = tensors.front().rank() + 1;
  return concat(expanded, static_cast<int>(dim < 0 ? dim + rank : dim));
}

Tensor dropout(const Tensor& x, double p, bool train) {
  if (!(p >= 0 && p <= 1)) {
    throw Error(fmt::format("dropout: dropout probability has to be between 0 and 1, but got {:g}", p));
  }
  if (!train || p == 0.0) return x;
  return duet::dropout(x, static_cast<float>(p), default_generator());
}

Tensor nll_loss(const Tensor& input, const Tensor& target) { return nn::NLLLossImpl()(input, target); }

namespace {
// PyTorch's name of an at::Reduction value; another integer is an error naming `function`.
std::string reduction_string(std::int64_t reduction, const char* function) {
  switch (reduction) {
    case Reduction::None: return "none";
    case Reduction::Mean: return "mean";
    case Reduction::Sum: return "sum";
    default: break;
  }
  throw Error(fmt::format("{}: reduction must be torch::Reduction::None, Mean or Sum (0, 1, 2), got {}", function,
                          reduction));
}
void refuse_weight(const Tensor& weight, const char* function) {
  if (weight.defined()) {
    throw Error(fmt::format("{}: class weights are not supported by Duet; pass an undefined weight ({{}})", function));
  }
}
}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, std::int64_t reduction,
                std::int64_t ignore_index) {
  refuse_weight(weight, "nll_loss");
  if (ignore_index != -100) {
    throw Error(fmt::format("nll_loss: ignore_index is not supported by Duet (got {}; leave it at -100)", ignore_index));
  }
  return nn::NLLLossImpl(reduction_string(reduction, "nll_loss"))(input, target);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, std::int64_t reduction, double beta) {
  return nn::SmoothL1LossImpl(reduction_string(reduction, "smooth_l1_loss"), static_cast<float>(beta))(input, target);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, std::int64_t reduction) {
  refuse_weight(weight, "binary_cross_entropy");
  return nn::BCELossImpl(reduction_string(reduction, "binary_cross_entropy"))(input, target);
}

namespace detail {
void assert_failed(const char* condition, const char* file, int line) {
  throw Error(fmt::format("Expected {} to be true, but got false ({}:{})", condition, file, line));
}
}  // namespace detail
Tensor mse_loss(const Tensor& input, const Tensor& target) { return nn::MSELossImpl()(input, target); }

}  // namespace duet::torch
