// port_weights: pairs the Keras layers that have weights with the PyTorch modules that have
// state, converts each pair through its layer kind's WeightMapping (compare/src/layers/, the
// same rules the comparator's runs use), checks every shape, and only then writes
// (Sequential::set_weights, Module::load_state_dict), so a failure changes nothing.
#include "duet/compare/porting.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

#include "duet/core/error.h"
#include "layers/layer_kind.h"
#include "porting/torch_units.h"

namespace duet::compare {

namespace porting {

namespace {

torch::StateDict own_entries(const torch::nn::Module& m) {
  torch::StateDict local;
  for (auto& [name, t] : m.state_dict())
    if (name.find('.') == std::string::npos) local.emplace_back(name, t);
  return local;
}

void collect(const torch::nn::Module& m, const std::string& prefix, std::vector<TorchUnit>& out) {
  auto local = own_entries(m);
  if (!local.empty()) out.push_back({prefix, m.type_name(), std::move(local)});
  for (const auto& [name, child] : m.named_children()) collect(*child, prefix.empty() ? name : prefix + "." + name, out);
}

void collect_modules(torch::nn::Module& m, std::vector<torch::nn::Module*>& out) {
  if (!own_entries(m).empty()) out.push_back(&m);
  for (const auto& [name, child] : m.named_children()) collect_modules(*child, out);
}

}  // namespace

std::vector<TorchUnit> units_of(const torch::nn::Module& m) {
  std::vector<TorchUnit> out;
  collect(m, "", out);
  return out;
}

std::vector<TorchUnit> units_of(const torch::StateDict& state) {
  std::vector<TorchUnit> out;
  for (const auto& [name, t] : state) {
    const auto dot = name.rfind('.');
    const std::string prefix = dot == std::string::npos ? "" : name.substr(0, dot);
    if (out.empty() || out.back().prefix != prefix) out.push_back({prefix, "", {}});
    out.back().local.emplace_back(dot == std::string::npos ? name : name.substr(dot + 1), t);
  }
  return out;
}

std::vector<torch::nn::Module*> stateful_modules(torch::nn::Module& root) {
  std::vector<torch::nn::Module*> out;
  collect_modules(root, out);
  return out;
}

}  // namespace porting

namespace {

using porting::TorchUnit;

// A Keras layer that has weights, with its kind's mapping at its place in the model (none when
// no layer kind builds its class).
struct KerasUnit {
  std::shared_ptr<keras::layers::Layer> layer;
  std::optional<WeightMapping> mapping;
};

const LayerKind* kind_of_class(const std::string& keras_class) {
  for (const auto& kind : layer_kinds()) {
    const auto classes = kind->keras_classes();
    if (std::find(classes.begin(), classes.end(), keras_class) != classes.end()) return kind.get();
  }
  return nullptr;
}

std::string known_classes() {
  std::string s;
  for (const auto& kind : layer_kinds())
    for (const auto& c : kind->keras_classes()) s += (s.empty() ? "" : ", ") + c;
  return s;
}

// The model's layers with weights, each with its mapping; PyTorch's layout (channels-first
// images and signals, the row order after a flatten) tracked along the layers as the
// comparator's walk over an experiment does.
std::vector<KerasUnit> keras_units(const keras::Sequential& model) {
  if (!model.built()) throw Error("port_weights: the Keras model is not built yet (give input_shape, or call build)");
  const auto& layers = model.layers();
  LayerContext ctx;
  ctx.input = *model.built_input_shape();
  ctx.first = true;
  if (!layers.empty()) ctx.torch_channels_first = torch_input_channels_first(ctx.input, kind_of_class(layers[0]->class_name()));
  std::vector<KerasUnit> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& layer = layers[i];
    ctx.index = i;
    ctx.path = fmt::format("layers[{}]", i);
    const LayerKind* kind = kind_of_class(layer->class_name());
    if (kind != nullptr) enter_torch_layout(*kind, ctx);
    const auto weights = layer->weights();
    if (!weights.empty()) {
      std::vector<std::pair<std::string, Shape>> shapes;
      for (const auto& w : weights) shapes.emplace_back(w.name, w.value.shape());
      out.push_back({layer, kind == nullptr ? std::nullopt : kind->weight_mapping(shapes, ctx)});
    }
    const Shape output = layer->compute_output_shape(ctx.input);
    advance_torch_layout(ctx, layer->class_name() == "Flatten", output, ctx);
    ctx.input = output;
    ctx.first = false;
  }
  return out;
}

std::string describe(const keras::layers::Layer& l) { return fmt::format("Keras layer '{}' ({})", l.name(), l.class_name()); }
std::string describe(const TorchUnit& u) {
  return u.type.empty() ? fmt::format("PyTorch module '{}'", u.prefix)
                        : fmt::format("PyTorch module '{}' ({})", u.prefix, u.type);
}

// The mapping for pair i; an error names layer i when it has no partner or the wrong kind.
// Callers convert pair by pair, so the first layer that does not fit is the one named.
const WeightMapping& pair_at(std::size_t i, const std::vector<KerasUnit>& keras, const std::vector<TorchUnit>& torch) {
  if (i >= keras.size()) {
    throw Error(fmt::format("layer {}: {} has state, and the Keras model has no layer left for it (it has {} layers "
                            "with weights)",
                            i, describe(torch[i]), keras.size()));
  }
  if (i >= torch.size()) {
    throw Error(fmt::format("layer {}: {} has weights, and the PyTorch model has no module left for it (it has {} "
                            "modules with state)",
                            i, describe(*keras[i].layer), torch.size()));
  }
  if (!keras[i].mapping) {
    throw Error(fmt::format("layer {}: {} has no weight layout to port (Keras classes with a layer kind: {})", i,
                            describe(*keras[i].layer), known_classes()));
  }
  const auto& types = keras[i].mapping->torch_types;
  if (!torch[i].type.empty() && std::find(types.begin(), types.end(), torch[i].type) == types.end()) {
    throw Error(fmt::format("layer {}: {} faces {}, expected a {}", i, describe(*keras[i].layer), describe(torch[i]),
                            fmt::join(types, " or ")));
  }
  return *keras[i].mapping;
}

// The Keras variables a torch unit gives, checked against the layer's own.
std::vector<Tensor> to_keras(std::size_t i, const keras::layers::Layer& layer, const WeightMapping& mapping,
                             const TorchUnit& unit) {
  NamedWeights values;
  try {
    values = mapping.to_keras(unit.local);
  } catch (const Error& e) {
    throw Error(fmt::format("layer {}: {} for {}: {}", i, describe(unit), describe(layer), e.what()));
  }
  const auto expected = layer.weights();
  if (values.size() != expected.size()) {
    throw Error(fmt::format("layer {}: {} gives {} variables, {} has {}", i, describe(unit), values.size(),
                            describe(layer), expected.size()));
  }
  std::vector<Tensor> out;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!(values[k].second.shape() == expected[k].value.shape())) {
      throw Error(fmt::format("layer {}: {} gives {} of shape {}, {} has {}", i, describe(unit), expected[k].name,
                              values[k].second.shape().str(), describe(layer), expected[k].value.shape().str()));
    }
    out.push_back(values[k].second.to(expected[k].value.dtype()));
  }
  return out;
}

void port_into_keras(const std::vector<TorchUnit>& torch, keras::Sequential& to) {
  const auto keras = keras_units(to);
  std::vector<Tensor> all;
  for (std::size_t i = 0; i < std::max(keras.size(), torch.size()); ++i) {
    for (auto& v : to_keras(i, *keras[i].layer, pair_at(i, keras, torch), torch[i])) all.push_back(std::move(v));
  }
  to.set_weights(all);
}

}  // namespace

void port_weights(const keras::Sequential& from, torch::nn::Module& to) {
  const auto keras = keras_units(from);
  const auto torch = porting::units_of(to);
  auto state = to.state_dict();
  for (std::size_t i = 0; i < std::max(keras.size(), torch.size()); ++i) {
    const WeightMapping& mapping = pair_at(i, keras, torch);
    const auto& layer = keras[i].layer;
    NamedWeights values;
    for (const auto& w : layer->weights()) values.emplace_back(w.name, w.value.detach());
    for (auto& [name, value] : mapping.to_torch(values)) {
      const std::string full = torch[i].prefix.empty() ? name : torch[i].prefix + "." + name;
      auto it = std::find_if(state.begin(), state.end(), [&](const auto& kv) { return kv.first == full; });
      if (it == state.end()) {
        throw Error(fmt::format("layer {}: {} gives '{}', which {} does not have", i, describe(*layer), name,
                                describe(torch[i])));
      }
      if (!(it->second.shape() == value.shape())) {
        throw Error(fmt::format("layer {}: {} gives {} of shape {}, {} has {}", i, describe(*layer), name,
                                value.shape().str(), describe(torch[i]), it->second.shape().str()));
      }
      it->second = value.to(it->second.dtype());
    }
  }
  to.load_state_dict(state);
}

void port_weights(const torch::nn::Module& from, keras::Sequential& to) { port_into_keras(porting::units_of(from), to); }

void port_weights(const torch::StateDict& from, keras::Sequential& to) { port_into_keras(porting::units_of(from), to); }

}  // namespace duet::compare
