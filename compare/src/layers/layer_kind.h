// Internal: one description per layer type of the experiment format (docs/experiment-format.md),
// read by everything that handles layers: the parser (options, defaults, shapes, weight shapes),
// both sides' model builders, and the weight mapping between Keras' and PyTorch's layouts. A new
// layer type is a new file in this folder and one line in registry.cpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duet/compare/layer_spec.h"
#include "duet/core/shape.h"
#include "duet/keras/layers/layer.h"
#include "duet/torch/nn/module.h"
#include "duet/torch/serialization.h"

namespace duet::compare {

enum class OptionType {
  integer,   ///< a whole number (stored as double)
  number,    ///< any finite number
  flag,      ///< true or false
  text,      ///< one of `choices` when given, else any string
  int_pair,  ///< an integer or a list of two integers ([h, w])
};

/// One option a layer kind accepts, with its default (ignored when `required`).
struct OptionSpec {
  std::string key;
  OptionType type = OptionType::number;
  LayerValue default_value = 0.0;
  bool required = false;
  std::vector<std::string> choices = {};  ///< for text options; empty: any value
  /// Smallest accepted value of an integer, number or each int of a pair (inclusive).
  std::optional<double> minimum = std::nullopt;
  /// Largest accepted value of an integer or each int of a pair (the format's size limits).
  std::optional<double> maximum = std::nullopt;
};

/// Where a layer sits in the model.
struct LayerContext {
  std::size_t index = 0;
  std::string path;  ///< "layers[2]": for error messages
  Shape input;       ///< one sample's input in Keras' layout (no batch axis)
  /// For the layer right after a flatten of a sample of rank >= 2: the sample shape before the
  /// flatten, in Keras' layout ({h, w, c}), so a dense layer can permute its kernel rows.
  std::optional<Shape> flattened_from;
  bool first = false;
  /// True when, on the PyTorch side, this layer's input is channels-first (NCHW images, NCL
  /// signals) rather than in Keras' layout; flattened_from is set only then.
  bool torch_channels_first = false;
  /// PyTorch side only: the layer's module wants the other layout of a rank-2 sample than the
  /// previous layer left (a convolution after an embedding or a recurrent layer, a recurrent
  /// layer after a convolution), so its input is transposed (dims 1 and 2) first, as PyTorch code
  /// does with `x.transpose(1, 2)` in forward; torch_channels_first is already the new layout.
  bool torch_transpose_in = false;
  /// PyTorch side only: the loss takes over this (last) layer's final activation
  /// (CrossEntropyLoss's softmax, BCEWithLogitsLoss' sigmoid), so no module is added for it.
  bool skip_activation = false;
};

/// How one layer's Keras variables map to the state of its one PyTorch module with state (its
/// parameters and buffers under the module's own names: "weight", "bias_ih_l0", ...). This is
/// the only place a layout rule lives (dense transpose, flatten rows, kernel layout, gate order,
/// two biases, batch-norm statistics): the comparator's runs (TorchLayer::load / report),
/// `--weights` and compare::port_weights all convert through it.
struct WeightMapping {
  /// The PyTorch module types (Module::type_name()) this layer's state lives in: {"Linear"}.
  std::vector<std::string> torch_types;
  /// Keras variables (by name, Keras' layout) -> the module's entries. Entries left out keep the
  /// module's values (num_batches_tracked).
  std::function<torch::StateDict(const NamedWeights& keras)> to_torch;
  /// The module's entries -> Keras variables in Keras' order and names; a duet::Error names an
  /// entry that is missing, or one the Keras layer has no variable for.
  std::function<NamedWeights(const torch::StateDict& torch)> to_keras;
};

/// The PyTorch side of one layer: the modules appended to the nn::Sequential, and the mapping of
/// its weights between Keras' layout and the modules' parameters and buffers.
struct TorchLayer {
  std::vector<std::shared_ptr<torch::nn::Module>> modules;
  /// Copies Keras-layout weights into the modules (shapes already checked by the parser).
  std::function<void(const NamedWeights& keras)> load = [](const NamedWeights&) {};
  /// The modules' current values in Keras' layout and names.
  std::function<NamedWeights()> report = [] { return NamedWeights{}; };
};

/// The entry `name` of a module's state (a WeightMapping's to_keras input), or null.
const Tensor* find_state_entry(const torch::StateDict& state, const std::string& name);
/// The entry `name` (a copy), or a duet::Error "has no '<name>' entry".
Tensor state_entry(const torch::StateDict& state, const std::string& name);

/// Appends the module's "bias" entry to `keras` as Keras' "bias", or a duet::Error when one side
/// has a bias and the other none (use_bias against bias=False): Dense and convolutions.
void append_bias(const torch::StateDict& state, bool keras_has_bias, NamedWeights& keras);

/// A mapping that only renames: Keras variable `first` is the module's entry `second`, values
/// and layout alike (batch norm, layer norm, embedding).
WeightMapping renamed_weights(std::vector<std::string> torch_types,
                              std::vector<std::pair<std::string, std::string>> keras_to_torch);

/// Sets t.load / t.report to convert through `mapping` into and out of `stateful` (the one
/// module of the layer that holds its state, possibly inside one of t.modules).
void bind_weight_mapping(TorchLayer& t, std::shared_ptr<torch::nn::Module> stateful, WeightMapping mapping);

class LayerKind {
 public:
  virtual ~LayerKind() = default;
  /// The "type" in experiment files.
  virtual std::string type() const = 0;
  virtual std::vector<OptionSpec> shared_options() const = 0;
  virtual std::vector<OptionSpec> keras_options() const { return {}; }
  virtual std::vector<OptionSpec> torch_options() const { return {}; }
  /// One sample's output shape (Keras layout) for `ctx.input`, or a duet::Error naming
  /// ctx.path, the shapes and the option that does not fit.
  virtual Shape output_shape(const LayerSpec& spec, const LayerContext& ctx) const = 0;
  /// Keras variable names and shapes, in Keras' order; empty for a layer without weights.
  virtual std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec& spec,
                                                                   const LayerContext& ctx) const = 0;
  /// The number of weight values, computed without building a shape (so the parser can check its
  /// limit before anything of that size exists); by default the sum over weight_shapes.
  virtual double parameter_count(const LayerSpec& spec, const LayerContext& ctx) const {
    double n = 0;
    for (const auto& [name, shape] : weight_shapes(spec, ctx)) n += static_cast<double>(shape.numel());
    return n;
  }
  /// Multiply-adds per sample for the work limit (check_total_work); by default one per weight
  /// value (a dense layer). A convolution counts its weights at every output position.
  virtual double work_per_sample(const LayerSpec& spec, const LayerContext& ctx) const {
    return parameter_count(spec, ctx);
  }
  virtual keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext& ctx) const = 0;
  virtual TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const = 0;
  /// For a rank-2 sample: whether the PyTorch module takes a channels-first signal (NCL: conv1d,
  /// 1-D pooling). As the first layer this decides how x is laid out (rank-4 x is always NCHW);
  /// later, a batch-first input is transposed to it (torch_transpose_in).
  virtual bool wants_channels_first_signal() const { return false; }
  /// For a rank-2 sample: whether the PyTorch module takes batch-first sequences [N, L, C]
  /// (recurrent layers), so a channels-first input is transposed back to it. Kinds that want
  /// neither (normalisation, activations, flatten) take either layout as it comes.
  virtual bool wants_batch_first_sequence() const { return false; }
  /// The activation this layer applies last (dense: its activation option), "" if none; the
  /// comparator folds a final softmax or sigmoid into PyTorch's loss.
  virtual std::string final_activation(const LayerSpec&) const { return ""; }
  /// The Keras classes (Layer::class_name()) this kind builds, so that a Keras model's layers
  /// find their kind (compare::port_weights); empty for a kind that builds none of interest.
  virtual std::vector<std::string> keras_classes() const { return {}; }
  /// The weight mapping of a layer with the Keras variables `keras` (names and shapes, in Keras'
  /// order: weight_shapes' result or a built Keras layer's) at `ctx` (only ctx.flattened_from
  /// and the shapes are read); std::nullopt for a kind without weights.
  virtual std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>& keras,
                                                      const LayerContext& ctx) const {
    (void)keras;
    (void)ctx;
    return std::nullopt;
  }
};

/// PyTorch's layout of the first layer's input (experiment format v2): images (a rank-3 sample)
/// are always channels-first (NCHW), a rank-2 sample is a channels-first signal (NCL) only when
/// the first layer asks for one (`first` may be null: a layer no kind builds), otherwise a
/// batch-first sequence.
bool torch_input_channels_first(const Shape& sample, const LayerKind* first);
/// What the layer after the one at `ctx` sees of PyTorch's layout: `next` gets its
/// torch_channels_first (the layer's output keeps a channel axis in PyTorch's layout while its
/// rank is >= 2) and its flattened_from (set after a flatten of a channels-first sample).
void advance_torch_layout(const LayerContext& ctx, bool is_flatten, const Shape& output, LayerContext& next);
/// Before the layer of `kind` at `ctx` (not the first): sets torch_transpose_in and switches
/// torch_channels_first when the kind wants the other layout of a rank-2 sample.
void enter_torch_layout(const LayerKind& kind, LayerContext& ctx);
/// kind.torch_layer(spec, ctx), preceded by the transpose of dims 1 and 2 when
/// ctx.torch_transpose_in: what every builder of the PyTorch model calls.
TorchLayer torch_layer_in_layout(const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx);

/// The shape of one sample of a batch `t`: `t` without its first axis.
inline Shape sample_shape(const Tensor& t) { return Shape(t.shape().begin() + 1, t.shape().end()); }

/// The kind of `type`; an unknown type is a duet::Error listing the known ones.
const LayerKind& layer_kind(const std::string& type);
/// Every kind, in registry order (for docs and error messages).
const std::vector<std::unique_ptr<LayerKind>>& layer_kinds();

// Each family's kinds (one file each), collected by registry.cpp.
std::vector<std::unique_ptr<LayerKind>> dense_kinds();
std::vector<std::unique_ptr<LayerKind>> normalization_kinds();
std::vector<std::unique_ptr<LayerKind>> activation_kinds();

struct Experiment;
/// Appends the reasons the layers of `e` give for a gap between the sides (explain.cpp).
void explain_layer_differences(const Experiment& e, std::vector<std::string>& reasons);
/// Appends the flatten-order and kernel-layout reasons, each with the error a naive port of the
/// weights would make on e's inputs (explain_layouts.cpp).
void explain_layouts(const Experiment& e, std::vector<std::string>& reasons);
/// Appends the default initialisers of each side for the layer types of `e`, when no initial
/// weights are given (explain_layouts.cpp).
void explain_initialisers(const Experiment& e, std::vector<std::string>& reasons);
std::vector<std::unique_ptr<LayerKind>> conv_kinds();
std::vector<std::unique_ptr<LayerKind>> pooling_kinds();
std::vector<std::unique_ptr<LayerKind>> flatten_kinds();
std::vector<std::unique_ptr<LayerKind>> recurrent_kinds();
std::vector<std::unique_ptr<LayerKind>> embedding_kinds();

/// Walks the layers of `e` in order and calls `visit(kind, spec, ctx)` for each, with every
/// field of the context filled in (shapes in Keras' layout, flatten and layout tracking).
/// `skip_final_activation` sets skip_activation on the last layer (the PyTorch side's folding).
void walk_layers(const Shape& sample, const std::vector<LayerSpec>& layers, bool skip_final_activation,
                 const std::function<void(const LayerKind&, const LayerSpec&, const LayerContext&)>& visit);

}  // namespace duet::compare
