// "activation" and "dropout": Keras' Activation / Dropout against PyTorch's activation module /
// Dropout. Each side applies its framework's defaults for an activation name (leaky_relu: Keras'
// function 0.2, PyTorch 0.01). Dropout masks come from each side's own random stream, so runs
// with dropout cannot be aligned bit for bit.
#include <fmt/format.h>

#include "duet/keras/layers/core_layers.h"
#include "duet/keras/layers/dense.h"
#include "duet/torch/nn/activation.h"
#include "layers/activation_modules.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

class ActivationKind : public LayerKind {
 public:
  std::string type() const override { return "activation"; }
  std::vector<OptionSpec> shared_options() const override {
    return {{.key = "activation", .type = OptionType::text, .required = true,
             .choices = keras::layers::activation_names()}};
  }
  Shape output_shape(const LayerSpec&, const LayerContext& ctx) const override { return ctx.input; }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext&) const override {
    return {};
  }
  std::string final_activation(const LayerSpec& spec) const override { return spec.text("activation"); }
  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    return keras::layers::Activation(spec.text("activation"));
  }
  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    TorchLayer t;
    if (!ctx.skip_activation) {
      auto act = activation_module(spec);
      t.modules.push_back(act ? act : std::make_shared<torch::nn::IdentityImpl>());
    }
    return t;
  }
};

class DropoutKind : public LayerKind {
 public:
  std::string type() const override { return "dropout"; }
  std::vector<OptionSpec> shared_options() const override {
    return {{.key = "rate", .type = OptionType::number, .required = true, .minimum = 0.0, .maximum = 0.999999}};
  }
  Shape output_shape(const LayerSpec&, const LayerContext& ctx) const override { return ctx.input; }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext&) const override {
    return {};
  }
  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    return keras::layers::Dropout(static_cast<float>(spec.number("rate")));
  }
  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext&) const override {
    TorchLayer t;
    t.modules.push_back(std::make_shared<torch::nn::DropoutImpl>(torch::nn::DropoutOptions(spec.number("rate"))));
    return t;
  }
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> activation_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<ActivationKind>());
  kinds.push_back(std::make_unique<DropoutKind>());
  return kinds;
}

}  // namespace duet::compare
