// port_weights: pairs the Keras layers that have weights with the PyTorch modules that have
// state, converts each pair through its layer kind's WeightLayout, checks every shape, and only
// then writes (Sequential::set_weights, Module::load_state_dict), so a failure changes nothing.
#include "duet/compare/porting.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "duet/core/error.h"
#include "porting/layouts.h"

namespace duet::compare {

namespace porting {

namespace {

std::map<std::string, WeightLayout>& registry() {
  static std::map<std::string, WeightLayout> layouts = [] {
    std::map<std::string, WeightLayout> m;
    for (auto l : {dense_layout()}) m.emplace(l.keras_class, std::move(l));
    return m;
  }();
  return layouts;
}

}  // namespace

const WeightLayout* find_layout(const std::string& keras_class) {
  const auto it = registry().find(keras_class);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<ModuleEntries> group_by_module(const torch::StateDict& state) {
  std::vector<ModuleEntries> out;
  for (const auto& [name, t] : state) {
    const auto dot = name.rfind('.');
    const std::string prefix = dot == std::string::npos ? "" : name.substr(0, dot);
    if (out.empty() || out.back().prefix != prefix) out.push_back({prefix, {}});
    out.back().local.emplace_back(dot == std::string::npos ? name : name.substr(dot + 1), t);
  }
  return out;
}

std::string known_classes() {
  std::string s;
  for (const auto& [name, layout] : registry()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

}  // namespace porting

void register_weight_layout(WeightLayout layout) {
  if (layout.keras_class.empty() || !layout.to_torch || !layout.to_keras) {
    throw Error("register_weight_layout: a layout needs a Keras class and both conversions");
  }
  porting::registry().insert_or_assign(layout.keras_class, std::move(layout));
}

namespace {

// One PyTorch module with state of its own: its dotted name, type (empty when only a state_dict
// is known) and its entries under local names.
struct TorchUnit {
  std::string prefix;
  std::string type;
  torch::StateDict local;
};

void collect(const torch::nn::Module& m, const std::string& prefix, std::vector<TorchUnit>& out) {
  torch::StateDict local;
  for (auto& [name, t] : m.state_dict())
    if (name.find('.') == std::string::npos) local.emplace_back(name, t);
  if (!local.empty()) out.push_back({prefix, m.type_name(), std::move(local)});
  for (const auto& [name, child] : m.named_children()) collect(*child, prefix.empty() ? name : prefix + "." + name, out);
}

std::vector<TorchUnit> units_of(const torch::nn::Module& m) {
  std::vector<TorchUnit> out;
  collect(m, "", out);
  return out;
}

std::vector<TorchUnit> units_of(const torch::StateDict& state) {
  std::vector<TorchUnit> out;
  for (auto& group : porting::group_by_module(state)) out.push_back({group.prefix, "", std::move(group.local)});
  return out;
}

std::vector<std::shared_ptr<keras::layers::Layer>> keras_units(const keras::Sequential& model) {
  std::vector<std::shared_ptr<keras::layers::Layer>> out;
  for (const auto& l : model.layers())
    if (!l->weights().empty()) out.push_back(l);
  return out;
}

std::string describe(const keras::layers::Layer& l) { return fmt::format("Keras layer '{}' ({})", l.name(), l.class_name()); }
std::string describe(const TorchUnit& u) {
  return u.type.empty() ? fmt::format("PyTorch module '{}'", u.prefix)
                        : fmt::format("PyTorch module '{}' ({})", u.prefix, u.type);
}

// The layout for pair i; an error names layer i when it has no partner or the wrong kind.
// Callers convert pair by pair, so the first layer that does not fit is the one named.
const WeightLayout& pair_at(std::size_t i, const std::vector<std::shared_ptr<keras::layers::Layer>>& keras,
                            const std::vector<TorchUnit>& torch) {
  if (i >= keras.size()) {
    throw Error(fmt::format("layer {}: {} has state, and the Keras model has no layer left for it (it has {} layers "
                            "with weights)",
                            i, describe(torch[i]), keras.size()));
  }
  if (i >= torch.size()) {
    throw Error(fmt::format("layer {}: {} has weights, and the PyTorch model has no module left for it (it has {} "
                            "modules with state)",
                            i, describe(*keras[i]), torch.size()));
  }
  const WeightLayout* layout = porting::find_layout(keras[i]->class_name());
  if (layout == nullptr) {
    throw Error(fmt::format("layer {}: {} has no weight layout to port (known: {})", i, describe(*keras[i]),
                            porting::known_classes()));
  }
  if (!torch[i].type.empty() && torch[i].type != layout->torch_type) {
    throw Error(fmt::format("layer {}: {} faces {}, expected a {}", i, describe(*keras[i]), describe(torch[i]),
                            layout->torch_type));
  }
  return *layout;
}

// The Keras variables a torch unit gives, checked against the layer's own.
std::vector<Tensor> to_keras(std::size_t i, const keras::layers::Layer& layer, const WeightLayout& layout,
                             const TorchUnit& unit) {
  std::vector<Tensor> values;
  try {
    values = layout.to_keras(layer, unit.local);
  } catch (const Error& e) {
    throw Error(fmt::format("layer {}: {} for {}: {}", i, describe(unit), describe(layer), e.what()));
  }
  const auto expected = layer.weights();
  if (values.size() != expected.size()) {
    throw Error(fmt::format("layer {}: {} gives {} variables, {} has {}", i, describe(unit), values.size(),
                            describe(layer), expected.size()));
  }
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!(values[k].shape() == expected[k].value.shape())) {
      throw Error(fmt::format("layer {}: {} gives {} of shape {}, {} has {}", i, describe(unit), expected[k].name,
                              values[k].shape().str(), describe(layer), expected[k].value.shape().str()));
    }
  }
  return values;
}

void port_into_keras(const std::vector<TorchUnit>& torch, keras::Sequential& to) {
  const auto keras = keras_units(to);
  std::vector<Tensor> all;
  for (std::size_t i = 0; i < std::max(keras.size(), torch.size()); ++i) {
    for (auto& v : to_keras(i, *keras[i], pair_at(i, keras, torch), torch[i])) all.push_back(std::move(v));
  }
  to.set_weights(all);
}

}  // namespace

void port_weights(const keras::Sequential& from, torch::nn::Module& to) {
  const auto keras = keras_units(from);
  const auto torch = units_of(to);
  auto state = to.state_dict();
  for (std::size_t i = 0; i < std::max(keras.size(), torch.size()); ++i) {
    const WeightLayout* layout = &pair_at(i, keras, torch);
    const auto& layer = keras[i];
    std::vector<Tensor> values;
    for (const auto& w : layer->weights()) values.push_back(w.value);
    for (auto& [name, value] : layout->to_torch(*layer, values)) {
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

void port_weights(const torch::nn::Module& from, keras::Sequential& to) { port_into_keras(units_of(from), to); }

void port_weights(const torch::StateDict& from, keras::Sequential& to) { port_into_keras(units_of(from), to); }

}  // namespace duet::compare
