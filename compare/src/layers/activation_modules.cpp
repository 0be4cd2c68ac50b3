#include "layers/activation_modules.h"

#include "layers/aligned_options.h"

#include "duet/core/error.h"
#include "duet/torch/nn/activation.h"

namespace duet::compare {

std::shared_ptr<torch::nn::Module> activation_module(const std::string& name) {
  namespace nn = torch::nn;
  if (name == "relu") return std::make_shared<nn::ReLUImpl>();
  if (name == "sigmoid") return std::make_shared<nn::SigmoidImpl>();
  if (name == "tanh") return std::make_shared<nn::TanhImpl>();
  if (name == "softmax") return std::make_shared<nn::SoftmaxImpl>(-1);
  // Each with PyTorch's own defaults (LeakyReLU 0.01, GELU exact, Hardsigmoid relu6(x + 3) / 6):
  // the comparator reports where they differ from Keras' functions.
  if (name == "elu") return std::make_shared<nn::ELUImpl>();
  if (name == "selu") return std::make_shared<nn::SELUImpl>();
  if (name == "gelu") return std::make_shared<nn::GELUImpl>();
  if (name == "leaky_relu") return std::make_shared<nn::LeakyReLUImpl>();
  if (name == "softplus") return std::make_shared<nn::SoftplusImpl>();
  if (name == "swish" || name == "silu") return std::make_shared<nn::SiLUImpl>();
  if (name == "hard_sigmoid") return std::make_shared<nn::HardsigmoidImpl>();
  if (name == "linear") return nullptr;
  // Every Keras activation name the parser accepts must have its module here (a test checks).
  throw Error("activation '" + name + "' has no PyTorch module in the comparator");
}

std::shared_ptr<torch::nn::Module> activation_module(const LayerSpec& spec) {
  const std::string& name = spec.text("activation");
  if (name == "leaky_relu" && spec.torch.count(kAlignedLeakySlope) != 0) {
    return std::make_shared<torch::nn::LeakyReLUImpl>(
        torch::nn::LeakyReLUOptions().negative_slope(spec.torch_number(kAlignedLeakySlope)));
  }
  return activation_module(name);
}

}  // namespace duet::compare
