// Sequential::save_weights / load_weights in Keras' own files, chosen by extension as Keras 3's
// saving_api does: ".weights.h5" is Keras 3's layout (keras/src/saving/saving_lib.py), ".h5" /
// ".hdf5" the legacy Keras 2 layout (keras/src/legacy/saving/legacy_h5_format.py, read only),
// and Duet's earlier DUETTNSR files still load whatever their name.
//
// Keras 3 (save_weights_only -> _save_state): every layer of model.layers stores its variables,
// trainable ones first (Layer.save_own_variables), as datasets "0", "1", ... of the group
// layers/<snake_case(class name)>[_<n>]/vars; the model's own variables go to /vars (empty for
// a Sequential); a compiled optimizer's to optimizer/vars (Duet ignores that group on loading).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <regex>
#include <set>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"
#include "duet/core/file_io.h"
#include "duet/core/tensor_file.h"
#include "duet/keras/sequential.h"
#include "saving/h5_file.h"

namespace duet::keras {

namespace {

constexpr const char* kLegacyDuetKind = "keras.weights";

bool ends_with(const std::string& s, std::string_view tail) { return s.ends_with(tail); }

// keras/src/utils/naming.py to_snake_case: "BatchNormalization" -> "batch_normalization",
// "Conv2D" -> "conv2d", "SimpleRNN" -> "simple_rnn".
std::string to_snake_case(const std::string& name) {
  std::string s = std::regex_replace(name, std::regex(R"(\W+)"), "");
  s = std::regex_replace(s, std::regex("(.)([A-Z][a-z]+)"), "$1_$2");
  s = std::regex_replace(s, std::regex("([a-z])([A-Z])"), "$1_$2");
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string shape_text(const Shape& shape) {
  std::string s = "(";
  for (int k = 0; k < shape.rank(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.rank() == 1 ? ",)" : ")");
}

std::string weight_names(const layers::Layer& layer) {
  std::string s;
  for (const auto& w : layer.weights()) s += (s.empty() ? "" : ", ") + w.name;
  return s;
}

}  // namespace

std::vector<std::string> Sequential::weight_file_paths() const {
  // saving_lib._save_container_state: names come from the class, not layer.name, numbered from
  // the second of a kind on.
  std::map<std::string, int> used;
  std::vector<std::string> out;
  for (const auto& layer : layers_) {
    std::string name = to_snake_case(layer->class_name());
    if (const auto it = used.find(name); it != used.end()) {
      name += "_" + std::to_string(++it->second);
    } else {
      used.emplace(name, 0);
    }
    out.push_back("layers/" + name);
  }
  return out;
}

void Sequential::save_weights(const std::filesystem::path& path) const {
  const std::string file = path.string();
  if (!ends_with(file, ".weights.h5")) {
    throw Error(fmt::format("The filename must end in `.weights.h5`. Received: filepath={}", file));
  }
  if (!built()) {
    throw Error("You are saving a model that has not yet been built. Try building the model first by calling it on "
                "some data or by using `build()`.");
  }
  saving::H5Writer h5;
  h5.group("vars");  // the Sequential's own variables: none
  const auto paths = weight_file_paths();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    h5.group(paths[i] + "/vars");
    const auto weights = layers_[i]->weights();
    for (std::size_t k = 0; k < weights.size(); ++k) h5.dataset(paths[i] + "/vars/" + std::to_string(k), weights[k].value);
  }
  file_io::write_file_atomically(path, h5.bytes());
}

void Sequential::load_weights(const std::filesystem::path& path) {
  if (!built()) throw Error("load_weights: the model is not built yet (give input_shape, or call build)");
  const std::string file = path.string();
  const std::string bytes = file_io::read_regular_file(path, tensor_file::kMaxFileBytes, "weights file");
  std::vector<Tensor> weights;
  if (bytes.starts_with("DUETTNSR")) {
    weights = legacy_duet_weights(bytes, file);
  } else if (ends_with(file, ".weights.h5")) {
    weights = keras3_weights(bytes, file);
  } else if (ends_with(file, ".h5") || ends_with(file, ".hdf5")) {
    weights = keras2_weights(bytes, file);
  } else {
    throw Error(fmt::format("File format not supported: filepath={}. Keras 3 only supports V3 `.keras` and "
                            "`.weights.h5` files, or legacy V1/V2 `.h5` files.",
                            file));
  }
  set_weights(weights);  // checks every shape before changing anything
}

std::vector<Tensor> Sequential::keras3_weights(const std::string& bytes, const std::string& file) const {
  const saving::H5Reader h5(bytes, file);
  // Keras 2.13 wrote "_layer_checkpoint_dependencies" where Keras 3 writes "layers"
  // (saving_lib.H5Entry's fallback).
  const bool renamed = !h5.is_group("layers") && h5.is_group("_layer_checkpoint_dependencies");
  if (!h5.is_group("layers") && !renamed) {
    throw Error(fmt::format("{}: no group 'layers': not a Keras 3 .weights.h5 file (members: {})", file,
                            excerpt(fmt::format("{}", fmt::join(h5.members(""), ", ")))));
  }
  auto paths = weight_file_paths();
  if (renamed)
    for (auto& p : paths) p.replace(0, 6, "_layer_checkpoint_dependencies");
  std::vector<Tensor> out;
  std::set<std::string> known;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const auto& layer = *layers_[i];
    const auto expected = layer.weights();
    const std::string vars = paths[i] + "/vars";
    known.insert(paths[i].substr(paths[i].find('/') + 1));
    if (!h5.is_group(vars)) {
      if (expected.empty()) continue;
      throw Error(fmt::format("{}: {}: missing; the model's layer {} '{}' ({}) has {} variables ({})", file, vars, i,
                              layer.name(), layer.class_name(), expected.size(), weight_names(layer)));
    }
    const auto members = h5.members(vars);
    if (members.size() != expected.size()) {
      throw Error(fmt::format("{}: {}: holds {} variables; layer '{}' ({}) expected {} variables ({})", file, vars,
                              members.size(), layer.name(), layer.class_name(), expected.size(), weight_names(layer)));
    }
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const std::string at = vars + "/" + std::to_string(k);
      Tensor value = h5.read_dataset(at);
      if (!(value.shape() == expected[k].value.shape())) {
        throw Error(fmt::format("{}: {}: shape {}; layer '{}' ({}) has {} of shape {}", file, at, shape_text(value.shape()),
                                layer.name(), layer.class_name(), expected[k].name,
                                shape_text(expected[k].value.shape())));
      }
      out.push_back(std::move(value));
    }
  }
  const std::string base = renamed ? "_layer_checkpoint_dependencies" : "layers";
  for (const auto& member : h5.members(base)) {
    if (known.contains(member)) continue;
    const std::string vars = base + "/" + member + "/vars";
    if (h5.is_group(vars) && !h5.members(vars).empty()) {
      throw Error(fmt::format("{}: {}: the file has weights for a layer the model does not have (it has {} layers)",
                              file, base + "/" + member, layers_.size()));
    }
  }
  return out;
}

std::vector<Tensor> Sequential::keras2_weights(const std::string& bytes, const std::string& file) const {
  const saving::H5Reader h5(bytes, file);
  // legacy_h5_format.load_weights_from_hdf5_group; a whole-model .h5 keeps them in model_weights.
  std::string root;
  if (!h5.has_attribute("", "layer_names") && h5.is_group("model_weights")) root = "model_weights";
  if (!h5.has_attribute(root, "layer_names")) {
    throw Error(fmt::format("{}: no attribute 'layer_names': not a Keras 2 HDF5 weights file", file));
  }
  const auto join = [&](const std::string& a) { return root.empty() ? a : root + "/" + a; };
  struct Saved {
    std::string layer;
    std::vector<std::string> weights;
  };
  std::vector<Saved> saved;
  for (const auto& name : h5.string_attribute(root, "layer_names")) {
    if (!h5.is_group(join(name))) throw Error(fmt::format("{}: {}: listed in layer_names but missing", file, join(name)));
    auto names = h5.string_attribute(join(name), "weight_names");
    if (!names.empty()) saved.push_back({name, std::move(names)});
  }
  std::vector<const layers::Layer*> with_weights;
  for (const auto& l : layers_)
    if (!l->weights().empty()) with_weights.push_back(l.get());
  if (with_weights.size() != saved.size()) {
    throw Error(fmt::format("{}: Layer count mismatch when loading weights from file. Model expected {} layers, found "
                            "{} saved layers.",
                            file, with_weights.size(), saved.size()));
  }
  std::vector<Tensor> out;
  for (std::size_t i = 0; i < saved.size(); ++i) {
    const auto& layer = *with_weights[i];
    const auto expected = layer.weights();
    if (saved[i].weights.size() != expected.size()) {
      throw Error(fmt::format("{}: {}: Layer #{} (named \"{}\") expects {} weight(s), but the saved weights have {} "
                              "element(s).",
                              file, join(saved[i].layer), i, layer.name(), expected.size(), saved[i].weights.size()));
    }
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const std::string at = join(saved[i].layer) + "/" + saved[i].weights[k];
      Tensor value = h5.read_dataset(at);
      if (!(value.shape() == expected[k].value.shape())) {
        throw Error(fmt::format("{}: {}: shape {}; layer '{}' ({}) has {} of shape {}", file, at, shape_text(value.shape()),
                                layer.name(), layer.class_name(), expected[k].name,
                                shape_text(expected[k].value.shape())));
      }
      out.push_back(std::move(value));
    }
  }
  return out;
}

std::vector<Tensor> Sequential::legacy_duet_weights(const std::string& bytes, const std::string& file) const {
  const auto named = tensor_file::decode(bytes, kLegacyDuetKind, file);
  std::vector<std::string> paths;
  for (const auto& l : layers_)
    for (const auto& w : l->weights()) paths.push_back(l->name() + "/" + w.name);
  if (named.size() != paths.size()) {
    throw Error(fmt::format("load_weights: '{}' holds {} weights, the model has {}", file, named.size(), paths.size()));
  }
  std::vector<Tensor> weights;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (named[i].first != paths[i]) {
      throw Error(fmt::format("load_weights: '{}' has '{}' where the model has '{}'", file, named[i].first, paths[i]));
    }
    weights.push_back(named[i].second);
  }
  return weights;
}

}  // namespace duet::keras
