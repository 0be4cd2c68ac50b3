// Pooling kinds: "max_pool1d", "avg_pool1d", "max_pool2d", "avg_pool2d" (Keras' MaxPooling /
// AveragePooling, PyTorch's MaxPool / AvgPool; strides default to pool_size) and the global ones,
// "global_avg_pool1d", "global_avg_pool2d", "global_max_pool2d" (PyTorch: AdaptiveAvg/MaxPool(1)
// then Flatten). 'same' pooling has no PyTorch equivalent: an error on the PyTorch side.
#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/keras/layers/pooling.h"
#include "duet/torch/nn/activation.h"
#include "duet/torch/nn/pooling.h"
#include "layers/layer_kind.h"
#include "layers/window_shape.h"

namespace duet::compare {

namespace {

class PoolKind : public LayerKind {
 public:
  PoolKind(bool max, int spatial) : max_(max), spatial_(spatial) {}
  std::string type() const override { return fmt::format("{}_pool{}d", max_ ? "max" : "avg", spatial_); }
  std::vector<std::string> keras_classes() const override {
    return {fmt::format("{}Pooling{}D", max_ ? "Max" : "Average", spatial_)};
  }
  std::vector<OptionSpec> shared_options() const override {
    const OptionType size = spatial_ == 2 ? OptionType::int_pair : OptionType::integer;
    // strides: absent means pool_size (an empty list / 0 stands for "not given").
    const LayerValue absent = spatial_ == 2 ? LayerValue(std::vector<std::int64_t>{}) : LayerValue(0.0);
    return {{.key = "pool_size", .type = size, .required = true, .minimum = 1, .maximum = kMaxWindow},
            {.key = "strides", .type = size, .default_value = absent, .minimum = 1, .maximum = kMaxWindow},
            {.key = "padding", .type = OptionType::text, .default_value = std::string("valid"), .choices = {"valid", "same"}}};
  }
  bool wants_channels_first_signal() const override { return spatial_ == 1; }

  Shape output_shape(const LayerSpec& spec, const LayerContext& ctx) const override {
    require_rank(ctx, spatial_ + 1, type());
    const auto p = window(spec, "pool_size"), s = strides(spec);
    Shape out;
    for (int a = 0; a < spatial_; ++a) out.push_back(window_positions(ctx, type(), a, p[a], s[a], spec.text("padding"), "pool_size"));
    out.push_back(ctx.input[spatial_]);
    return out;
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext&) const override {
    return {};
  }
  double work_per_sample(const LayerSpec&, const LayerContext& ctx) const override {
    return static_cast<double>(ctx.input.numel());
  }

  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    const auto p = window(spec, "pool_size"), s = strides(spec);
    if (spatial_ == 2) {
      keras::layers::Pooling2DOptions o{.pool_size = {p[0], p[1]}, .strides = keras::layers::Size2{s[0], s[1]},
                                        .padding = spec.text("padding")};
      if (max_) return keras::layers::MaxPooling2D(o);
      return keras::layers::AveragePooling2D(o);
    }
    keras::layers::Pooling1DOptions o{.pool_size = p[0], .strides = s[0], .padding = spec.text("padding")};
    if (max_) return keras::layers::MaxPooling1D(o);
    return keras::layers::AveragePooling1D(o);
  }

  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    if (spec.text("padding") == "same") {
      throw Error(fmt::format("{} ({}): padding 'same': PyTorch's pooling has no 'same' padding (only explicit "
                              "symmetric padding, which does not match TensorFlow's); use 'valid'",
                              ctx.path, type()));
    }
    namespace nn = torch::nn;
    const auto p = window(spec, "pool_size"), s = strides(spec);
    TorchLayer t;
    if (spatial_ == 2) {
      if (max_) t.modules.push_back(std::make_shared<nn::MaxPool2dImpl>(nn::MaxPool2dOptions({p[0], p[1]}).stride({s[0], s[1]})));
      else t.modules.push_back(std::make_shared<nn::AvgPool2dImpl>(nn::AvgPool2dOptions({p[0], p[1]}).stride({s[0], s[1]})));
    } else {
      if (max_) t.modules.push_back(std::make_shared<nn::MaxPool1dImpl>(nn::MaxPool1dOptions(p[0]).stride(s[0])));
      else t.modules.push_back(std::make_shared<nn::AvgPool1dImpl>(nn::AvgPool1dOptions(p[0]).stride(s[0])));
    }
    return t;
  }

 private:
  std::vector<std::int64_t> window(const LayerSpec& spec, const std::string& key) const {
    if (spatial_ == 1) return {spec.integer(key)};
    const auto [h, w] = spec.pair(key);
    return {h, w};
  }
  // Keras' and PyTorch's default: strides = pool_size.
  std::vector<std::int64_t> strides(const LayerSpec& spec) const {
    const bool given = spatial_ == 2 ? !std::get<std::vector<std::int64_t>>(spec.shared.at("strides")).empty()
                                     : spec.integer("strides") != 0;
    return window(spec, given ? "strides" : "pool_size");
  }
  bool max_;
  int spatial_;
};

class GlobalPoolKind : public LayerKind {
 public:
  GlobalPoolKind(bool max, int spatial) : max_(max), spatial_(spatial) {}
  std::string type() const override { return fmt::format("global_{}_pool{}d", max_ ? "max" : "avg", spatial_); }
  std::vector<std::string> keras_classes() const override {
    return {fmt::format("Global{}Pooling{}D", max_ ? "Max" : "Average", spatial_)};
  }
  std::vector<OptionSpec> shared_options() const override { return {}; }
  bool wants_channels_first_signal() const override { return spatial_ == 1; }
  Shape output_shape(const LayerSpec&, const LayerContext& ctx) const override {
    require_rank(ctx, spatial_ + 1, type());
    return Shape{ctx.input[spatial_]};
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext&) const override {
    return {};
  }
  double work_per_sample(const LayerSpec&, const LayerContext& ctx) const override {
    return static_cast<double>(ctx.input.numel());
  }
  keras::layers::LayerRef keras_layer(const LayerSpec&, const LayerContext&) const override {
    if (max_) return keras::layers::GlobalMaxPooling2D();
    if (spatial_ == 2) return keras::layers::GlobalAveragePooling2D();
    return keras::layers::GlobalAveragePooling1D();
  }
  TorchLayer torch_layer(const LayerSpec&, const LayerContext&) const override {
    namespace nn = torch::nn;
    TorchLayer t;
    if (max_) t.modules.push_back(std::make_shared<nn::AdaptiveMaxPool2dImpl>(nn::AdaptiveMaxPool2dOptions(1)));
    else if (spatial_ == 2) t.modules.push_back(std::make_shared<nn::AdaptiveAvgPool2dImpl>(nn::AdaptiveAvgPool2dOptions(1)));
    else t.modules.push_back(std::make_shared<nn::AdaptiveAvgPool1dImpl>(nn::AdaptiveAvgPool1dOptions(1)));
    t.modules.push_back(std::make_shared<nn::FlattenImpl>());
    return t;
  }

 private:
  bool max_;
  int spatial_;
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> pooling_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  for (int spatial : {1, 2})
    for (bool max : {true, false}) kinds.push_back(std::make_unique<PoolKind>(max, spatial));
  kinds.push_back(std::make_unique<GlobalPoolKind>(false, 1));
  kinds.push_back(std::make_unique<GlobalPoolKind>(false, 2));
  kinds.push_back(std::make_unique<GlobalPoolKind>(true, 2));
  return kinds;
}

}  // namespace duet::compare
