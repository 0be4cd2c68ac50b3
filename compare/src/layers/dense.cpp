// "dense": Keras' Dense, PyTorch's Linear followed by its activation module. Keras keeps the
// kernel as [in][out], PyTorch the weight as [out][in]; after a flatten of a channels-first
// PyTorch sample the kernel rows are also permuted from HWC to CHW order.
#include <fmt/format.h>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/layers/dense.h"
#include "duet/torch/nn/linear.h"
#include "layers/activation_modules.h"
#include "layers/layer_kind.h"
#include "layouts.h"

namespace duet::compare {

namespace {

// For each PyTorch input column, the Keras kernel row it reads: the same row, except after a
// flatten of a channels-first PyTorch sample (CHW order against Keras' HWC).
std::vector<std::int64_t> keras_rows(std::int64_t in, const std::optional<Shape>& flattened_from) {
  if (flattened_from) return flatten_rows_torch_from_keras(*flattened_from);
  std::vector<std::int64_t> rows(static_cast<std::size_t>(in));
  for (std::int64_t r = 0; r < in; ++r) rows[static_cast<std::size_t>(r)] = r;
  return rows;
}

// Keras [in][out] -> PyTorch [out][in].
std::vector<float> torch_weight(const Tensor& kernel, const std::optional<Shape>& flattened_from) {
  const std::int64_t in = kernel.shape()[0], out = kernel.shape()[1];
  const auto keras_row = keras_rows(in, flattened_from);
  const auto& k = kernel.data();
  std::vector<float> w(static_cast<std::size_t>(in * out));
  for (std::int64_t o = 0; o < out; ++o)
    for (std::int64_t r = 0; r < in; ++r) w[static_cast<std::size_t>(o * in + r)] = k[keras_row[static_cast<std::size_t>(r)] * out + o];
  return w;
}

// The inverse: PyTorch [out][in] -> Keras [in][out].
Tensor keras_kernel(const Tensor& weight, const std::optional<Shape>& flattened_from) {
  const std::int64_t out = weight.shape()[0], in = weight.shape()[1];
  const auto keras_row = keras_rows(in, flattened_from);
  const auto& w = weight.data();
  std::vector<float> k(static_cast<std::size_t>(in * out));
  for (std::int64_t o = 0; o < out; ++o)
    for (std::int64_t r = 0; r < in; ++r) k[static_cast<std::size_t>(keras_row[static_cast<std::size_t>(r)] * out + o)] = w[o * in + r];
  return Tensor::from_data(Shape{in, out}, k);
}

class DenseKind : public LayerKind {
 public:
  std::string type() const override { return "dense"; }
  std::vector<OptionSpec> shared_options() const override {
    return {{.key = "units", .type = OptionType::integer, .required = true, .minimum = 1, .maximum = kMaxUnitsPerLayer},
            {.key = "activation", .type = OptionType::text, .default_value = std::string("linear"),
             .choices = keras::layers::activation_names()},
            {.key = "use_bias", .type = OptionType::flag, .default_value = true}};
  }
  Shape output_shape(const LayerSpec& spec, const LayerContext& ctx) const override {
    if (ctx.input.rank() != 1) {
      throw Error(fmt::format("{} (dense): takes one axis of features per sample, got samples of shape {} (put a "
                              "flatten layer before it)",
                              ctx.path, ctx.input.str()));
    }
    return Shape{spec.integer("units")};
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec& spec, const LayerContext& ctx) const override {
    std::vector<std::pair<std::string, Shape>> shapes{{"kernel", Shape{ctx.input[0], spec.integer("units")}}};
    if (spec.flag("use_bias")) shapes.emplace_back("bias", Shape{spec.integer("units")});
    return shapes;
  }
  double parameter_count(const LayerSpec& spec, const LayerContext& ctx) const override {
    const auto units = static_cast<double>(spec.integer("units"));
    return static_cast<double>(ctx.input.numel()) * units + (spec.flag("use_bias") ? units : 0.0);
  }
  std::string final_activation(const LayerSpec& spec) const override { return spec.text("activation"); }

  std::vector<std::string> keras_classes() const override { return {"Dense"}; }
  std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>& keras,
                                              const LayerContext& ctx) const override {
    const bool keras_bias = keras.size() > 1;
    const auto flattened = ctx.flattened_from;
    WeightMapping m;
    m.torch_types = {"Linear"};
    m.to_torch = [flattened](const NamedWeights& w) {
      const Tensor& kernel = weight(w, "kernel");
      torch::StateDict out{
          {"weight", Tensor::from_data(Shape{kernel.shape()[1], kernel.shape()[0]}, torch_weight(kernel, flattened))}};
      if (w.size() > 1) out.emplace_back("bias", weight(w, "bias").detach());
      return out;
    };
    m.to_keras = [flattened, keras_bias](const torch::StateDict& state) {
      const Tensor weight_entry = state_entry(state, "weight");
      if (weight_entry.rank() != 2 || (flattened && weight_entry.shape()[1] != flattened->numel())) {
        throw Error(fmt::format("its 'weight' has shape {}, where [out, {}] would fit", weight_entry.shape().str(),
                                flattened ? std::to_string(flattened->numel()) : std::string("in")));
      }
      NamedWeights out{{"kernel", keras_kernel(weight_entry, flattened)}};
      append_bias(state, keras_bias, out);
      return out;
    };
    return m;
  }

  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    return keras::layers::Dense(spec.integer("units"), {.activation = spec.text("activation"), .use_bias = spec.flag("use_bias")});
  }

  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    auto linear = std::make_shared<torch::nn::LinearImpl>(
        torch::nn::LinearOptions(ctx.input[0], spec.integer("units")).bias(spec.flag("use_bias")));
    TorchLayer t;
    t.modules.push_back(linear);
    if (!ctx.skip_activation) {
      if (auto act = activation_module(spec)) t.modules.push_back(act);
    }
    bind_weight_mapping(t, linear, *weight_mapping(weight_shapes(spec, ctx), ctx));
    return t;
  }
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> dense_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<DenseKind>());
  return kinds;
}

}  // namespace duet::compare
