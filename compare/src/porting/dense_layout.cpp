// Dense <-> Linear: Keras keeps kernel [in, out] (outputs = inputs @ kernel + bias, keras/src/
// layers/core/dense.py), PyTorch weight [out, in] (y = x W^T + b, torch/nn/modules/linear.py).
// The bias is the same vector; use_bias=False / bias=False drop it on both sides.
#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "porting/layouts.h"

namespace duet::compare::porting {

namespace {

const Tensor* entry(const torch::StateDict& state, const std::string& name) {
  for (const auto& [n, t] : state)
    if (n == name) return &t;
  return nullptr;
}

}  // namespace

WeightLayout dense_layout() {
  WeightLayout l;
  l.keras_class = "Dense";
  l.torch_type = "Linear";
  l.to_torch = [](const keras::layers::Layer&, const std::vector<Tensor>& keras) {
    torch::StateDict out;
    out.emplace_back("weight", transpose(keras.at(0).detach()));
    if (keras.size() > 1) out.emplace_back("bias", keras[1].detach());
    return out;
  };
  l.to_keras = [](const keras::layers::Layer& layer, const torch::StateDict& state) {
    const Tensor* weight = entry(state, "weight");
    if (weight == nullptr) throw Error("has no 'weight' entry");
    std::vector<Tensor> out{transpose(weight->detach())};
    const bool keras_bias = layer.weights().size() > 1;
    const Tensor* bias = entry(state, "bias");
    if (keras_bias != (bias != nullptr)) {
      throw Error(keras_bias ? "has no 'bias' entry, the Keras layer has a bias (use_bias=True)"
                             : "has a 'bias' entry, the Keras layer has none (use_bias=False)");
    }
    if (bias != nullptr) out.push_back(bias->detach());
    return out;
  };
  return l;
}

}  // namespace duet::compare::porting
