// duet-compare --weights FILE: the experiment's initial weights from a real checkpoint.
#include <fmt/format.h>

#include "duet/compare/porting.h"
#include "duet/core/error.h"

namespace duet::compare {

namespace {

bool is_keras_file(const std::string& name) {
  return name.ends_with(".weights.h5") || name.ends_with(".h5") || name.ends_with(".hdf5");
}

// The experiment's Keras model (dense layers on x's width), as run_keras builds it; its
// initialisers' values are replaced by the file's.
keras::Sequential experiment_model(const Experiment& e) {
  keras::Sequential model;
  for (const auto& l : e.layers) model.add(keras::layers::Dense(l.units, {.activation = l.activation}));
  model.build(e.x.shape()[1]);
  return model;
}

}  // namespace

Experiment with_weights_file(Experiment experiment, const std::filesystem::path& path) {
  const std::string file = path.string();
  keras::Sequential model = experiment_model(experiment);
  if (is_keras_file(file)) {
    model.load_weights(path);  // its errors name the file
  } else {
    const auto state = torch::load(path);
    try {
      port_weights(state, model);
    } catch (const Error& e) {
      throw Error(fmt::format("{}: does not fit the experiment's layers: {}", file, e.what()));
    }
  }
  const auto weights = model.get_weights();
  std::vector<LayerWeights> initial;
  for (std::size_t i = 0; i + 1 < weights.size(); i += 2) initial.push_back({weights[i], weights[i + 1]});
  experiment.initial_weights = std::move(initial);
  return experiment;
}

}  // namespace duet::compare
