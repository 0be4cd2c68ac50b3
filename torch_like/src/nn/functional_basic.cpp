// torch::nn::functional's basic functions: each the torch:: free function with its options.
#include "duet/torch/nn/functional/basic.h"

#include "duet/core/error.h"
#include "duet/torch/nn/loss.h"

namespace duet::torch::nn::functional {

namespace {
void refuse_inplace(bool inplace, const char* function) {
  if (inplace) {
    throw Error(std::string(function) + ": inplace=true is not supported (Duet's ops return new tensors); leave it false");
  }
}
}  // namespace

Tensor relu(const Tensor& input, const ReLUFuncOptions& options) {
  refuse_inplace(options.inplace(), "F::relu");
  return torch::relu(input);
}

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options) { return torch::softmax(input, options.dim()); }

Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options) {
  return torch::log_softmax(input, options.dim());
}

Tensor dropout(const Tensor& input, const DropoutFuncOptions& options) {
  refuse_inplace(options.inplace(), "F::dropout");
  return torch::dropout(input, options.p(), options.training());
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  return NLLLossImpl(NLLLossOptions().reduction(options.reduction()))(input, target);
}

}  // namespace duet::torch::nn::functional
