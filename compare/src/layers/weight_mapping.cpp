// A layer's TorchLayer::load / report as its kind's WeightMapping applied to the one module
// that holds the layer's state, so the comparator's runs convert weights exactly as --weights
// and compare::port_weights do.
#include <fmt/format.h>

#include <algorithm>

#include "duet/core/error.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

// Copies of the module's own entries (parameters and buffers, not its children's), under local
// names: a report must not change when training goes on.
torch::StateDict own_state(const torch::nn::Module& m) {
  torch::StateDict local;
  for (auto& [name, t] : m.state_dict())
    if (name.find('.') == std::string::npos) local.emplace_back(name, t.detach());
  return local;
}

}  // namespace

const Tensor* find_state_entry(const torch::StateDict& state, const std::string& name) {
  for (const auto& [n, t] : state)
    if (n == name) return &t;
  return nullptr;
}

Tensor state_entry(const torch::StateDict& state, const std::string& name) {
  const Tensor* t = find_state_entry(state, name);
  if (t == nullptr) throw Error(fmt::format("has no '{}' entry", name));
  return t->detach();
}

void append_bias(const torch::StateDict& state, bool keras_has_bias, NamedWeights& keras) {
  const Tensor* bias = find_state_entry(state, "bias");
  if (keras_has_bias != (bias != nullptr)) {
    throw Error(keras_has_bias ? "has no 'bias' entry, the Keras layer has a bias (use_bias=True)"
                               : "has a 'bias' entry, the Keras layer has none (use_bias=False)");
  }
  if (bias != nullptr) keras.emplace_back("bias", bias->detach());
}

WeightMapping renamed_weights(std::vector<std::string> torch_types,
                              std::vector<std::pair<std::string, std::string>> keras_to_torch) {
  WeightMapping m;
  m.torch_types = std::move(torch_types);
  m.to_torch = [keras_to_torch](const NamedWeights& keras) {
    torch::StateDict out;
    for (const auto& [keras_name, torch_name] : keras_to_torch) out.emplace_back(torch_name, weight(keras, keras_name).detach());
    return out;
  };
  m.to_keras = [keras_to_torch](const torch::StateDict& state) {
    NamedWeights out;
    for (const auto& [keras_name, torch_name] : keras_to_torch) out.emplace_back(keras_name, state_entry(state, torch_name));
    return out;
  };
  return m;
}

void bind_weight_mapping(TorchLayer& t, std::shared_ptr<torch::nn::Module> stateful, WeightMapping mapping) {
  auto shared = std::make_shared<WeightMapping>(std::move(mapping));
  t.load = [stateful, shared](const NamedWeights& keras) {
    auto state = stateful->state_dict();
    for (const auto& entry : shared->to_torch(keras)) {
      auto it = std::find_if(state.begin(), state.end(), [&](const auto& kv) { return kv.first == entry.first; });
      if (it == state.end()) throw Error("bind_weight_mapping: the module has no entry '" + entry.first + "'");
      it->second = entry.second.to(it->second.dtype());
    }
    stateful->load_state_dict(state);
  };
  t.report = [stateful, shared] { return shared->to_keras(own_state(*stateful)); };
}

}  // namespace duet::compare
