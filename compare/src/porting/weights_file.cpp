// duet-compare --weights FILE: the experiment's initial weights from a real checkpoint. A Keras
// file loads into the experiment's Keras model; a PyTorch state_dict loads module by module into
// the experiment's PyTorch modules that hold state (a recurrent layer's RNN inside its wrapper),
// and each layer kind's WeightMapping (layers/*.cpp, the rules port_weights uses) reports them
// in Keras' layout.
#include <fmt/format.h>

#include "duet/compare/porting.h"
#include "duet/core/error.h"
#include "layers/layer_kind.h"
#include "porting/torch_units.h"

namespace duet::compare {

namespace {

bool is_keras_file(const std::string& name) {
  return name.ends_with(".weights.h5") || name.ends_with(".h5") || name.ends_with(".hdf5");
}

std::vector<NamedWeights> from_keras_file(const Experiment& e, const std::filesystem::path& path) {
  keras::Sequential model;
  walk_layers(sample_shape(e.x), e.layers, false,
              [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
                model.add(kind.keras_layer(spec, ctx));
              });
  model.build(sample_shape(e.x));
  model.load_weights(path);  // its errors name the file, the HDF5 path and the layer
  std::vector<NamedWeights> out;
  for (const auto& layer : model.layers()) {
    NamedWeights w;
    for (const auto& v : layer->weights()) w.emplace_back(v.name, v.value.detach());
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<NamedWeights> from_state_dict(const Experiment& e, const std::filesystem::path& path) {
  const std::string file = path.string();
  const auto groups = porting::units_of(torch::load(path));
  std::vector<TorchLayer> layers;
  std::vector<std::string> where;
  walk_layers(sample_shape(e.x), e.layers, false,
              [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
                layers.push_back(torch_layer_in_layout(kind, spec, ctx));
                where.push_back(fmt::format("{} ({})", ctx.path, spec.type));
              });
  // The file's modules with state, in order, against the experiment's.
  std::size_t next = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    std::vector<torch::nn::Module*> stateful;
    for (const auto& root : layers[i].modules) {
      for (auto* m : porting::stateful_modules(*root)) stateful.push_back(m);
    }
    for (auto* module : stateful) {
      if (next >= groups.size()) {
        throw Error(fmt::format("{}: does not fit the experiment's layers: {} needs a {}, the file has no module left "
                                "(it has {} modules with state)",
                                file, where[i], module->type_name(), groups.size()));
      }
      try {
        module->load_state_dict(groups[next].local);
      } catch (const Error& err) {
        throw Error(fmt::format("{}: does not fit the experiment's layers: {} against the file's module '{}': {}", file,
                                where[i], groups[next].prefix, err.what()));
      }
      ++next;
    }
  }
  if (next < groups.size()) {
    throw Error(fmt::format("{}: does not fit the experiment's layers: the file's module '{}' has no layer left for it "
                            "(the experiment has {} modules with state)",
                            file, groups[next].prefix, next));
  }
  std::vector<NamedWeights> out;
  for (const auto& layer : layers) out.push_back(layer.report());
  return out;
}

}  // namespace

Experiment with_weights_file(Experiment experiment, const std::filesystem::path& path) {
  experiment.initial_weights =
      is_keras_file(path.string()) ? from_keras_file(experiment, path) : from_state_dict(experiment, path);
  return experiment;
}

}  // namespace duet::compare
