// "flatten": Keras' Flatten (a sample's values in HWC order) and PyTorch's Flatten (CHW order for a
// channels-first sample). The two orders differ; the dense layer after it permutes its kernel rows
// (LayerContext::flattened_from, dense.cpp), so both sides compute the same function.
#include "duet/keras/layers/reshaping.h"
#include "duet/torch/nn/activation.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

class FlattenKind : public LayerKind {
 public:
  std::string type() const override { return "flatten"; }
  std::vector<std::string> keras_classes() const override { return {"Flatten"}; }
  std::vector<OptionSpec> shared_options() const override { return {}; }
  Shape output_shape(const LayerSpec&, const LayerContext& ctx) const override { return Shape{ctx.input.numel()}; }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext&) const override {
    return {};
  }
  double work_per_sample(const LayerSpec&, const LayerContext& ctx) const override {
    return static_cast<double>(ctx.input.numel());
  }
  keras::layers::LayerRef keras_layer(const LayerSpec&, const LayerContext&) const override {
    return keras::layers::Flatten();
  }
  TorchLayer torch_layer(const LayerSpec&, const LayerContext&) const override {
    TorchLayer t;
    t.modules.push_back(std::make_shared<torch::nn::FlattenImpl>());
    return t;
  }
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> flatten_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<FlattenKind>());
  return kinds;
}

}  // namespace duet::compare
