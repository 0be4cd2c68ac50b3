// "batch_norm" and "layer_norm": Keras' BatchNormalization / LayerNormalization (axis -1) against
// PyTorch's BatchNorm1d / BatchNorm2d / LayerNorm, each side with its own defaults (experiment
// format v2): Keras momentum 0.99 and epsilon 1e-3, PyTorch momentum 0.1 and eps 1e-5. Keras'
// gamma, beta, moving_mean, moving_variance are PyTorch's weight, bias, running_mean, running_var.
// Each PyTorch module sees the channels where it wants them: BatchNorm on dim 1, LayerNorm on the
// last dim; a wrapper moves them when PyTorch's layout of the sample has them elsewhere.
#include <fmt/format.h>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/layers/batch_normalization.h"
#include "duet/torch/nn/normalization.h"
#include "layers/aligned_options.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

// Channels-last [N, L, C] sequences around a BatchNorm1d, which normalises dim 1 of [N, C, L].
class ChannelsLastBatchNorm : public torch::nn::Module {
 public:
  explicit ChannelsLastBatchNorm(std::shared_ptr<torch::nn::BatchNorm1dImpl> bn) : bn_(std::move(bn)) {
    register_module("bn", bn_);
  }
  Tensor forward(const Tensor& input) override { return bn_->forward(input.transpose(1, 2)).transpose(1, 2); }
  std::string type_name() const override { return "ChannelsLast"; }

 private:
  std::shared_ptr<torch::nn::BatchNorm1dImpl> bn_;
};

// Keras' LayerNormalization(axis=-1) on a sample PyTorch holds channels-first (NCL signals, NCHW
// images): the channels moved last, LayerNorm(C), moved back. This is how PyTorch code ports it:
// ConvNeXt's Block permutes (N, C, H, W) -> (N, H, W, C) around its channels_last LayerNorm
// (facebookresearch/ConvNeXt models/convnext.py). nn.LayerNorm([C, H, W]), the image example of
// PyTorch's LayerNorm docs, would normalise each sample as a whole instead: Keras' axis=[1, 2, 3].
class ChannelsLastLayerNorm : public torch::nn::Module {
 public:
  ChannelsLastLayerNorm(std::shared_ptr<torch::nn::LayerNormImpl> ln, std::int64_t rank)
      : ln_(std::move(ln)), to_last_(channels_to_last(rank)), back_(channels_back(rank)) {
    register_module("ln", ln_);
  }
  Tensor forward(const Tensor& input) override { return ln_->forward(input.permute(to_last_)).permute(back_); }
  std::string type_name() const override { return "ChannelsLast"; }

 private:
  // [N, C, d1, ..., dk] -> [N, d1, ..., dk, C] and back.
  static std::vector<std::int64_t> channels_to_last(std::int64_t rank) {
    std::vector<std::int64_t> d{0};
    for (std::int64_t a = 2; a < rank; ++a) d.push_back(a);
    d.push_back(1);
    return d;
  }
  static std::vector<std::int64_t> channels_back(std::int64_t rank) {
    std::vector<std::int64_t> d{0, rank - 1};
    for (std::int64_t a = 1; a < rank - 1; ++a) d.push_back(a);
    return d;
  }
  std::shared_ptr<torch::nn::LayerNormImpl> ln_;
  std::vector<std::int64_t> to_last_, back_;
};

// --explain's device for measuring the running variance rule (aligned_options.h): PyTorch
// averages the UNBIASED batch variance into running_var, Keras the biased one, and torch_like,
// faithful to PyTorch, has no setting for it. After each training step of `inner` this step's
// update is turned into the biased one: running_new = (1 - m) running_old + m s2 n / (n - 1)
// gives the batch variance, which is weighed again with (n - 1) / n.
class BiasedRunningVariance : public torch::nn::Module {
 public:
  BiasedRunningVariance(std::shared_ptr<torch::nn::Module> inner, std::shared_ptr<torch::nn::BatchNormImplBase> bn)
      : inner_(std::move(inner)), bn_(std::move(bn)) {
    register_module("inner", inner_);
  }
  Tensor forward(const Tensor& input) override {
    if (!is_training()) return inner_->forward(input);
    const Tensor before = bn_->running_var.detach();
    Tensor output = inner_->forward(input);
    const double n = static_cast<double>(input.numel() / bn_->options.num_features());
    const double keep = 1.0 - bn_->options.momentum().value_or(0.0);
    auto& running = bn_->running_var.mutable_data();
    for (Eigen::Index c = 0; c < running.size(); ++c) {
      const double old_part = keep * before.data()[c];
      running[c] = static_cast<float>(old_part + (running[c] - old_part) * (n - 1) / n);
    }
    return output;
  }
  std::string type_name() const override { return "BiasedRunningVariance"; }

 private:
  std::shared_ptr<torch::nn::Module> inner_;
  std::shared_ptr<torch::nn::BatchNormImplBase> bn_;
};

// The channel count: Keras' last axis of the sample.
std::int64_t channels(const LayerContext& ctx, const char* type) {
  if (ctx.input.rank() < 1 || ctx.input.rank() > 3) {
    throw Error(fmt::format("{} ({}): takes samples of rank 1 to 3 (features, sequences, images), got {}", ctx.path,
                            type, ctx.input.str()));
  }
  return ctx.input[ctx.input.rank() - 1];
}

OptionSpec epsilon_option(const char* key, double value) {
  return {.key = key, .type = OptionType::number, .default_value = value, .minimum = 0.0};
}

class BatchNormKind : public LayerKind {
 public:
  std::string type() const override { return "batch_norm"; }
  std::vector<OptionSpec> shared_options() const override { return {}; }
  std::vector<OptionSpec> keras_options() const override {
    return {{.key = "momentum", .type = OptionType::number, .default_value = 0.99, .minimum = 0.0, .maximum = 1.0},
            epsilon_option("epsilon", 1e-3)};
  }
  std::vector<OptionSpec> torch_options() const override {
    return {{.key = "momentum", .type = OptionType::number, .default_value = 0.1, .minimum = 0.0, .maximum = 1.0},
            epsilon_option("eps", 1e-5)};
  }
  Shape output_shape(const LayerSpec&, const LayerContext& ctx) const override {
    channels(ctx, "batch_norm");
    return ctx.input;
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext& ctx) const override {
    const Shape c{channels(ctx, "batch_norm")};
    return {{"gamma", c}, {"beta", c}, {"moving_mean", c}, {"moving_variance", c}};
  }
  std::vector<std::string> keras_classes() const override { return {"BatchNormalization"}; }
  // gamma, beta, moving_mean, moving_variance are weight, bias, running_mean, running_var
  // (num_batches_tracked has no Keras variable: it keeps the module's value).
  std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>&,
                                              const LayerContext&) const override {
    return renamed_weights({"BatchNorm1d", "BatchNorm2d"}, {{"gamma", "weight"},
                                                             {"beta", "bias"},
                                                             {"moving_mean", "running_mean"},
                                                             {"moving_variance", "running_var"}});
  }
  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    return keras::layers::BatchNormalization({.momentum = static_cast<float>(spec.keras_number("momentum")),
                                              .epsilon = static_cast<float>(spec.keras_number("epsilon"))});
  }
  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    const auto options = torch::nn::BatchNormOptions(channels(ctx, "batch_norm"))
                             .momentum(spec.torch_number("momentum"))
                             .eps(spec.torch_number("eps"));
    TorchLayer t;
    std::shared_ptr<torch::nn::BatchNormImplBase> bn;
    if (ctx.input.rank() == 3) {  // images: NCHW
      bn = std::make_shared<torch::nn::BatchNorm2dImpl>(options);
      t.modules.push_back(bn);
    } else {
      auto bn1d = std::make_shared<torch::nn::BatchNorm1dImpl>(options);
      bn = bn1d;
      // [N, C] and NCL signals as they are; batch-first sequences [N, L, C] transposed around it.
      if (ctx.input.rank() == 2 && !ctx.torch_channels_first) {
        t.modules.push_back(std::make_shared<ChannelsLastBatchNorm>(bn1d));
      } else {
        t.modules.push_back(bn1d);
      }
    }
    if (spec.torch.count(kAlignedBiasedRunningVariance) != 0) {
      t.modules.back() = std::make_shared<BiasedRunningVariance>(t.modules.back(), bn);
    }
    bind_weight_mapping(t, bn, *weight_mapping(weight_shapes(spec, ctx), ctx));
    return t;
  }
};

class LayerNormKind : public LayerKind {
 public:
  std::string type() const override { return "layer_norm"; }
  std::vector<OptionSpec> shared_options() const override { return {}; }
  std::vector<OptionSpec> keras_options() const override { return {epsilon_option("epsilon", 1e-3)}; }
  std::vector<OptionSpec> torch_options() const override { return {epsilon_option("eps", 1e-5)}; }
  Shape output_shape(const LayerSpec&, const LayerContext& ctx) const override {
    channels(ctx, "layer_norm");
    return ctx.input;
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec&, const LayerContext& ctx) const override {
    const Shape c{channels(ctx, "layer_norm")};
    return {{"gamma", c}, {"beta", c}};
  }
  std::vector<std::string> keras_classes() const override { return {"LayerNormalization"}; }
  std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>&,
                                              const LayerContext&) const override {
    return renamed_weights({"LayerNorm"}, {{"gamma", "weight"}, {"beta", "bias"}});
  }
  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    return keras::layers::LayerNormalization({.epsilon = static_cast<float>(spec.keras_number("epsilon"))});
  }
  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    auto ln = std::make_shared<torch::nn::LayerNormImpl>(
        torch::nn::LayerNormOptions({channels(ctx, "layer_norm")}).eps(spec.torch_number("eps")));
    TorchLayer t;
    // Features and batch-first sequences [N, L, C] end in the channels already.
    if (ctx.torch_channels_first) {
      t.modules.push_back(std::make_shared<ChannelsLastLayerNorm>(ln, ctx.input.rank() + 1));
    } else {
      t.modules.push_back(ln);
    }
    bind_weight_mapping(t, ln, *weight_mapping(weight_shapes(spec, ctx), ctx));
    return t;
  }
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> normalization_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<BatchNormKind>());
  kinds.push_back(std::make_unique<LayerNormKind>());
  return kinds;
}

}  // namespace duet::compare
