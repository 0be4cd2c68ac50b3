// The list of layer kinds and the walk over an experiment's layers that every part shares.
#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/torch/nn/module.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

// [N, L, C] <-> [N, C, L] between a layer that leaves one layout of a sequence and one that takes
// the other; PyTorch code writes it as x.transpose(1, 2) in forward (torch.nn has no module).
class SwapLengthAndChannels : public torch::nn::Module {
 public:
  Tensor forward(const Tensor& input) override { return input.transpose(1, 2); }
  std::string type_name() const override { return "Transpose"; }
  std::string extra_repr() const override { return "dim0=1, dim1=2"; }
};

std::vector<std::unique_ptr<LayerKind>> all_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  // One line per family (one file each in this folder).
  for (auto* family : {&dense_kinds, &conv_kinds, &pooling_kinds, &flatten_kinds, &normalization_kinds,
                       &activation_kinds, &recurrent_kinds, &embedding_kinds}) {
    for (auto& k : (*family)()) kinds.push_back(std::move(k));
  }
  return kinds;
}

}  // namespace

const std::vector<std::unique_ptr<LayerKind>>& layer_kinds() {
  static const auto kinds = all_kinds();
  return kinds;
}

const LayerKind& layer_kind(const std::string& type) {
  std::string known;
  for (const auto& k : layer_kinds()) {
    if (k->type() == type) return *k;
    known += (known.empty() ? "" : ", ") + k->type();
  }
  throw Error(fmt::format("unknown layer type '{}' (known: {})", type, known));
}

bool torch_input_channels_first(const Shape& sample, const LayerKind* first) {
  return sample.rank() == 3 || (sample.rank() == 2 && first != nullptr && first->wants_channels_first_signal());
}

void advance_torch_layout(const LayerContext& ctx, bool is_flatten, const Shape& output, LayerContext& next) {
  // The row order after a flatten differs between the sides only when PyTorch flattened a
  // channels-first sample (CHW against Keras' HWC).
  next.flattened_from =
      is_flatten && ctx.input.rank() >= 2 && ctx.torch_channels_first ? std::optional<Shape>(ctx.input) : std::nullopt;
  next.torch_channels_first = ctx.torch_channels_first && output.rank() >= 2;
  next.torch_transpose_in = false;
}

void enter_torch_layout(const LayerKind& kind, LayerContext& ctx) {
  ctx.torch_transpose_in = false;
  if (ctx.first || ctx.input.rank() != 2) return;
  const bool wanted = ctx.torch_channels_first ? kind.wants_batch_first_sequence() : kind.wants_channels_first_signal();
  if (wanted) {
    ctx.torch_transpose_in = true;
    ctx.torch_channels_first = !ctx.torch_channels_first;
  }
}

TorchLayer torch_layer_in_layout(const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
  TorchLayer t = kind.torch_layer(spec, ctx);
  if (ctx.torch_transpose_in) t.modules.insert(t.modules.begin(), std::make_shared<SwapLengthAndChannels>());
  return t;
}

void walk_layers(const Shape& sample, const std::vector<LayerSpec>& layers, bool skip_final_activation,
                 const std::function<void(const LayerKind&, const LayerSpec&, const LayerContext&)>& visit) {
  LayerContext ctx;
  ctx.input = sample;
  ctx.first = true;
  // PyTorch takes images as NCHW always, and a rank-3 x as a channels-first signal (NCL) only
  // for a convolution or pooling, otherwise as batch-first sequences (experiment format v2).
  if (!layers.empty()) ctx.torch_channels_first = torch_input_channels_first(sample, &layer_kind(layers.front().type));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerKind& kind = layer_kind(layers[i].type);
    ctx.index = i;
    ctx.path = fmt::format("layers[{}]", i);
    ctx.skip_activation = skip_final_activation && i + 1 == layers.size();
    enter_torch_layout(kind, ctx);
    visit(kind, layers[i], ctx);
    const Shape out = kind.output_shape(layers[i], ctx);
    advance_torch_layout(ctx, layers[i].type == "flatten", out, ctx);
    ctx.input = out;
    ctx.first = false;
  }
}

}  // namespace duet::compare
