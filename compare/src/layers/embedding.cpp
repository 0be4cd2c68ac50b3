// "embedding": Keras' Embedding against PyTorch's, both with table [input_dim][output_dim] (the same
// layout: "embeddings" is "weight"). x holds token ids; PyTorch takes them as int64, so the module
// here converts the comparator's float-held whole numbers (checked when the experiment is read).
#include <fmt/format.h>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/layers/embedding.h"
#include "duet/torch/nn/embedding.h"
#include "duet/torch/tensor.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

class TokenIdsImpl : public torch::nn::Module {
 public:
  explicit TokenIdsImpl(std::shared_ptr<torch::nn::EmbeddingImpl> embedding) : embedding_(std::move(embedding)) {
    register_module("embedding", embedding_);
  }
  Tensor forward(const Tensor& ids) override { return embedding_->forward(to_dtype(ids, DType::int64)); }
  std::string type_name() const override { return "TokenIds"; }

 private:
  std::shared_ptr<torch::nn::EmbeddingImpl> embedding_;
};

class EmbeddingKind : public LayerKind {
 public:
  std::string type() const override { return "embedding"; }
  std::vector<OptionSpec> shared_options() const override {
    return {{.key = "input_dim", .type = OptionType::integer, .required = true, .minimum = 1, .maximum = kMaxUnitsPerLayer},
            {.key = "output_dim", .type = OptionType::integer, .required = true, .minimum = 1,
             .maximum = kMaxUnitsPerLayer}};
  }
  Shape output_shape(const LayerSpec& spec, const LayerContext& ctx) const override {
    if (!ctx.first || ctx.input.rank() != 1) {
      throw Error(fmt::format("{} (embedding): takes token ids as the first layer, x rank 2 (rows x steps); got samples "
                              "of shape {}",
                              ctx.path, ctx.input.str()));
    }
    return Shape{ctx.input[0], spec.integer("output_dim")};
  }
  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec& spec, const LayerContext&) const override {
    return {{"embeddings", Shape{spec.integer("input_dim"), spec.integer("output_dim")}}};
  }
  double work_per_sample(const LayerSpec& spec, const LayerContext& ctx) const override {
    return static_cast<double>(spec.integer("output_dim")) * static_cast<double>(ctx.input.numel());
  }
  std::vector<std::string> keras_classes() const override { return {"Embedding"}; }
  std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>&,
                                              const LayerContext&) const override {
    return renamed_weights({"Embedding"}, {{"embeddings", "weight"}});
  }
  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    return keras::layers::Embedding(spec.integer("input_dim"), spec.integer("output_dim"));
  }
  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext&) const override {
    auto emb = std::make_shared<torch::nn::EmbeddingImpl>(
        torch::nn::EmbeddingOptions(spec.integer("input_dim"), spec.integer("output_dim")));
    TorchLayer t;
    t.modules.push_back(std::make_shared<TokenIdsImpl>(emb));
    bind_weight_mapping(t, emb, *weight_mapping({}, {}));
    return t;
  }
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> embedding_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<EmbeddingKind>());
  return kinds;
}

}  // namespace duet::compare
