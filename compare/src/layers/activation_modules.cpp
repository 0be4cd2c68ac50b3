#include "layers/activation_modules.h"

#include "duet/core/error.h"
#include "duet/torch/nn/activation.h"

namespace duet::compare {

std::shared_ptr<torch::nn::Module> activation_module(const std::string& name) {
  namespace nn = torch::nn;
  if (name == "relu") return std::make_shared<nn::ReLUImpl>();
  if (name == "sigmoid") return std::make_shared<nn::SigmoidImpl>();
  if (name == "tanh") return std::make_shared<nn::TanhImpl>();
  if (name == "softmax") return std::make_shared<nn::SoftmaxImpl>(-1);
  if (name == "linear") return nullptr;
  throw Error("activation '" + name + "' has no PyTorch module in the comparator");
}

}  // namespace duet::compare
