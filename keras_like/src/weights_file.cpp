// Sequential::save_weights / load_weights: every weight under "<layer>/<weight>" as its layer
// names it ("dense/kernel", "normalization/mean"), in get_weights() order.
#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/tensor_file.h"
#include "duet/keras/sequential.h"

namespace duet::keras {

namespace {

constexpr const char* kWeightsKind = "keras.weights";

std::vector<std::string> weight_paths(const std::vector<std::shared_ptr<layers::Layer>>& layers) {
  std::vector<std::string> paths;
  for (const auto& l : layers)
    for (const auto& w : l->weights()) paths.push_back(l->name() + "/" + w.name);
  return paths;
}

}  // namespace

void Sequential::save_weights(const std::filesystem::path& path) const {
  const auto weights = get_weights();
  const auto paths = weight_paths(layers_);
  tensor_file::NamedTensors named;
  for (std::size_t i = 0; i < weights.size(); ++i) named.emplace_back(paths[i], weights[i]);
  tensor_file::save(path, kWeightsKind, named);
}

void Sequential::load_weights(const std::filesystem::path& path) {
  if (!built()) throw Error("load_weights: the model is not built yet (give input_shape, or call build)");
  const auto named = tensor_file::load(path, kWeightsKind);
  const auto paths = weight_paths(layers_);
  if (named.size() != paths.size()) {
    throw Error(fmt::format("load_weights: '{}' holds {} weights, the model has {}", path.string(), named.size(),
                            paths.size()));
  }
  std::vector<Tensor> weights;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (named[i].first != paths[i]) {
      throw Error(fmt::format("load_weights: '{}' has '{}' where the model has '{}'", path.string(), named[i].first,
                              paths[i]));
    }
    weights.push_back(named[i].second);
  }
  set_weights(weights);  // checks every shape before changing anything
}

}  // namespace duet::keras
