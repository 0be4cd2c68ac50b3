// "conv1d" and "conv2d": Keras' Conv1D / Conv2D (channels last, kernel [(kh,) kw, in, out]) and
// PyTorch's Conv1d / Conv2d (channels first, weight [out, in, (kh,) kw]) with its activation module.
// 'same' padding: TensorFlow's on the Keras side; PyTorch's padding='same' (stride 1 only, the odd
// pixel on the same side), and with a stride > 1 an error on the PyTorch side.
#include <fmt/format.h>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "duet/keras/layers/conv.h"
#include "duet/keras/layers/dense.h"
#include "duet/torch/nn/conv.h"
#include "layers/activation_modules.h"
#include "layers/layer_kind.h"
#include "layers/window_shape.h"

namespace duet::compare {

namespace {

class ConvKind : public LayerKind {
 public:
  explicit ConvKind(int spatial) : spatial_(spatial) {}
  std::string type() const override { return spatial_ == 2 ? "conv2d" : "conv1d"; }
  std::vector<OptionSpec> shared_options() const override {
    const OptionType size = spatial_ == 2 ? OptionType::int_pair : OptionType::integer;
    const LayerValue one = spatial_ == 2 ? LayerValue(std::vector<std::int64_t>{1}) : LayerValue(1.0);
    return {{.key = "filters", .type = OptionType::integer, .required = true, .minimum = 1, .maximum = kMaxUnitsPerLayer},
            {.key = "kernel_size", .type = size, .required = true, .minimum = 1, .maximum = kMaxWindow},
            {.key = "strides", .type = size, .default_value = one, .minimum = 1, .maximum = kMaxWindow},
            {.key = "padding", .type = OptionType::text, .default_value = std::string("valid"), .choices = {"valid", "same"}},
            {.key = "activation", .type = OptionType::text, .default_value = std::string("linear"),
             .choices = keras::layers::activation_names()},
            {.key = "use_bias", .type = OptionType::flag, .default_value = true}};
  }
  bool wants_channels_first_signal() const override { return spatial_ == 1; }
  std::string final_activation(const LayerSpec& spec) const override { return spec.text("activation"); }

  Shape output_shape(const LayerSpec& spec, const LayerContext& ctx) const override {
    require_rank(ctx, spatial_ + 1, type());
    const auto k = window(spec, "kernel_size"), s = window(spec, "strides");
    const std::string& padding = spec.text("padding");
    Shape out;
    for (int a = 0; a < spatial_; ++a) {
      out.push_back(window_positions(ctx, type(), a, k[a], s[a], padding, "kernel_size"));
    }
    out.push_back(spec.integer("filters"));
    return out;
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec& spec, const LayerContext& ctx) const override {
    const auto k = window(spec, "kernel_size");
    Shape kernel;
    for (int a = 0; a < spatial_; ++a) kernel.push_back(k[a]);
    kernel.push_back(ctx.input[ctx.input.rank() - 1]);
    kernel.push_back(spec.integer("filters"));
    std::vector<std::pair<std::string, Shape>> shapes{{"kernel", kernel}};
    if (spec.flag("use_bias")) shapes.emplace_back("bias", Shape{spec.integer("filters")});
    return shapes;
  }
  double parameter_count(const LayerSpec& spec, const LayerContext& ctx) const override {
    const auto k = window(spec, "kernel_size");
    double n = static_cast<double>(ctx.input[ctx.input.rank() - 1]) * static_cast<double>(spec.integer("filters"));
    for (int a = 0; a < spatial_; ++a) n *= static_cast<double>(k[a]);
    return n + (spec.flag("use_bias") ? static_cast<double>(spec.integer("filters")) : 0.0);
  }
  double work_per_sample(const LayerSpec& spec, const LayerContext& ctx) const override {
    // Every weight at every output position.
    const Shape out = output_shape(spec, ctx);
    return parameter_count(spec, ctx) * static_cast<double>(out.numel() / out[out.rank() - 1]);
  }

  std::vector<std::string> keras_classes() const override { return {spatial_ == 2 ? "Conv2D" : "Conv1D"}; }
  // Keras HWIO [kh, kw, in, out] <-> PyTorch OIHW [out, in, kh, kw]; 1-D [k, in, out] <-> [out, in, k].
  std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>& keras,
                                              const LayerContext&) const override {
    const bool two_d = spatial_ == 2, keras_bias = keras.size() > 1;
    WeightMapping m;
    m.torch_types = {two_d ? "Conv2d" : "Conv1d"};
    m.to_torch = [two_d](const NamedWeights& w) {
      const Tensor& kernel = weight(w, "kernel");
      torch::StateDict out{{"weight", two_d ? kernel.permute({3, 2, 0, 1}) : kernel.permute({2, 1, 0})}};
      if (w.size() > 1) out.emplace_back("bias", weight(w, "bias").detach());
      return out;
    };
    m.to_keras = [two_d, keras_bias](const torch::StateDict& state) {
      const Tensor w = state_entry(state, "weight");
      if (w.rank() != (two_d ? 4 : 3)) {
        throw Error(fmt::format("its 'weight' has shape {}, a {} has rank {}", w.shape().str(),
                                two_d ? "Conv2d's [out, in, kh, kw]" : "Conv1d's [out, in, k]", two_d ? 4 : 3));
      }
      NamedWeights out{{"kernel", two_d ? w.permute({2, 3, 1, 0}) : w.permute({2, 1, 0})}};
      append_bias(state, keras_bias, out);
      return out;
    };
    return m;
  }

  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    const auto k = window(spec, "kernel_size"), s = window(spec, "strides");
    if (spatial_ == 2) {
      return keras::layers::Conv2D(spec.integer("filters"), {k[0], k[1]},
                                   {.strides = {s[0], s[1]}, .padding = spec.text("padding"),
                                    .activation = spec.text("activation"), .use_bias = spec.flag("use_bias")});
    }
    return keras::layers::Conv1D(spec.integer("filters"), k[0],
                                 {.strides = s[0], .padding = spec.text("padding"), .activation = spec.text("activation"),
                                  .use_bias = spec.flag("use_bias")});
  }

  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    const auto k = window(spec, "kernel_size"), s = window(spec, "strides");
    const bool same = spec.text("padding") == "same";
    if (same && (s[0] != 1 || (spatial_ == 2 && s[1] != 1))) {
      throw Error(fmt::format("{} ({}): padding 'same' with strides {}: PyTorch does not support padding='same' for "
                              "strided convolutions (torch/nn/modules/conv.py); use 'valid' or stride 1",
                              ctx.path, type(), spatial_ == 2 ? fmt::format("[{}, {}]", s[0], s[1]) : std::to_string(s[0])));
    }
    const std::int64_t in = ctx.input[ctx.input.rank() - 1], filters = spec.integer("filters");
    TorchLayer t;
    std::shared_ptr<torch::nn::Module> conv;
    if (spatial_ == 2) {
      auto options = torch::nn::Conv2dOptions(in, filters, {k[0], k[1]}).stride({s[0], s[1]}).bias(spec.flag("use_bias"));
      if (same) options.padding(torch::kSame);
      auto m = std::make_shared<torch::nn::Conv2dImpl>(options);
      conv = m;
    } else {
      auto options = torch::nn::Conv1dOptions(in, filters, k[0]).stride(s[0]).bias(spec.flag("use_bias"));
      if (same) options.padding(torch::kSame);
      auto m = std::make_shared<torch::nn::Conv1dImpl>(options);
      conv = m;
    }
    t.modules.push_back(conv);
    if (!ctx.skip_activation) {
      if (auto act = activation_module(spec)) t.modules.push_back(act);
    }
    bind_weight_mapping(t, conv, *weight_mapping(weight_shapes(spec, ctx), ctx));
    return t;
  }

 private:
  // The option as one size per spatial axis.
  std::vector<std::int64_t> window(const LayerSpec& spec, const std::string& key) const {
    if (spatial_ == 1) return {spec.integer(key)};
    const auto [h, w] = spec.pair(key);
    return {h, w};
  }
  int spatial_;
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> conv_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<ConvKind>(1));
  kinds.push_back(std::make_unique<ConvKind>(2));
  return kinds;
}

}  // namespace duet::compare
