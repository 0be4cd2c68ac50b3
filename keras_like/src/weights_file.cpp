// Sequential::save_weights / load_weights in Keras' own files, chosen by extension as Keras 3's
// saving_api does: ".weights.h5" is Keras 3's layout (keras/src/saving/saving_lib.py), ".h5" /
// ".hdf5" the legacy Keras 2 layout (keras/src/legacy/saving/legacy_h5_format.py, read only),
// and Duet's earlier DUETTNSR files still load whatever their name.
//
// Keras 3 (save_weights_only -> _save_state): every layer of model.layers stores its variables,
// trainable ones first (Layer.save_own_variables), as datasets "0", "1", ... of the group
// layers/<snake_case(class name)>[_<n>]/vars; the model's own variables go to /vars (empty for
// a Sequential); a compiled optimizer's to optimizer/vars: the iteration count, the learning
// rate (unless it is a schedule), then the slots its build added (optimizer_state below).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <optional>
#include <regex>
#include <set>

#include "duet/core/error.h"
#include "duet/core/excerpt.h"
#include "duet/core/file_io.h"
#include "duet/core/tensor_file.h"
#include "duet/keras/sequential.h"
#include "duet/keras/utils.h"
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

// ---- The optimizer's group (keras/src/optimizers/base_optimizer.py save_own_variables /
// load_own_variables; the list is `optimizer.variables`: "iteration" (int64, made in __init__),
// "learning_rate" (float32, made in __init__ unless the rate is a schedule), then what build
// added). Keras writes it for every compiled model, trained or not: a model compiled but never
// trained has the first two only.

constexpr const char* kOptimizerVars = "optimizer/vars";

// Keras' optimizer name: auto_name(class name) ("adam", "sgd", "rm_sprop", "adam_w"); Keras
// numbers later instances of a kind in one Python process ("adam_1"), a name it never reads back.
std::string keras_optimizer_name(const optimizers::Optimizer& optimizer) { return to_snake_case(optimizer.name()); }

void write_optimizer(saving::H5Writer& h5, const optimizers::Optimizer& optimizer) {
  h5.group(kOptimizerVars);
  h5.string_attribute(kOptimizerVars, "name", keras_optimizer_name(optimizer));
  std::size_t k = 0;
  const auto at = [&] { return std::string(kOptimizerVars) + "/" + std::to_string(k++); };
  h5.int64_scalar(at(), optimizer.iterations());
  if (!optimizer.has_schedule()) h5.dataset(at(), Tensor::scalar(optimizer.learning_rate()));
  for (const auto& slot : optimizer.slots()) h5.dataset(at(), slot.value);
}

// What load_own_variables assigns, read and checked before anything changes.
struct SavedOptimizer {
  std::int64_t iterations = 0;
  std::optional<float> learning_rate;
  std::vector<Tensor> slots;
};

// "dense_1/kernel" for a variable the optimizer was built on, found among the model's layers.
std::string variable_name(const std::vector<std::shared_ptr<layers::Layer>>& layers, const Tensor& variable,
                          std::size_t index) {
  for (const auto& layer : layers)
    for (const auto& w : layer->weights())
      if (w.value.impl_ptr() == variable.impl_ptr()) return layer->name() + "/" + w.name;
  return fmt::format("variable {}", index);
}

std::optional<SavedOptimizer> read_optimizer(const saving::H5Reader& h5, const optimizers::Optimizer& optimizer,
                                             const std::vector<std::shared_ptr<layers::Layer>>& layers) {
  const std::string& file = h5.source();
  const std::size_t saved = h5.is_group(kOptimizerVars) ? h5.members(kOptimizerVars).size() : 0;
  const auto slots = optimizer.slots();
  // Keras' `optimizer.variables`: iteration, learning_rate (unless a schedule), the slots.
  const std::size_t expected = (optimizer.has_schedule() ? 1 : 2) + slots.size();
  if (saved != expected) {
    // Keras warns and loads the rest (its suffix is for an optimizer without variables, which
    // Keras' never are: said here when Duet's is not built, the usual reason).
    utils::logger()->warn("Skipping variable loading for optimizer '{}', because it has {} variables whereas the saved "
                          "optimizer has {} variables. {}\n",
                          keras_optimizer_name(optimizer), expected, saved,
                          optimizer.built() ? "" : "This is likely because the optimizer has not been called/built yet.");
    return std::nullopt;
  }
  const auto at = [&](std::size_t k) { return std::string(kOptimizerVars) + "/" + std::to_string(k); };
  const auto fail = [&](std::size_t k, const std::string& why) {
    throw Error(fmt::format("{}: {}: {}", file, at(k), why));
  };
  using Numbers = saving::H5Reader::Numbers;
  const auto holds = [&](std::size_t k) {
    const Numbers n = h5.numbers(at(k));
    return n == Numbers::integers ? "holds integers" : n == Numbers::floats ? "holds floats" : "holds something other than numbers";
  };
  const auto require_floats = [&](std::size_t k, const std::string& what) {
    if (h5.numbers(at(k)) != Numbers::floats) fail(k, fmt::format("{}; {} is a float32 variable", holds(k), what));
  };
  SavedOptimizer out;
  // Keras' "iteration" variable is an integer (int64; int32 from the JAX backend).
  if (h5.numbers(at(0)) != Numbers::integers) {
    fail(0, fmt::format("{}; the optimizer's iteration count is an integer (int64) scalar", holds(0)));
  }
  out.iterations = h5.read_int64_scalar(at(0));
  if (out.iterations < 0) fail(0, fmt::format("iteration count {} is negative", out.iterations));
  std::size_t k = 1;
  if (!optimizer.has_schedule()) {
    require_floats(k, "the learning rate");
    const Tensor lr = h5.read_dataset(at(k));
    if (lr.rank() != 0) fail(k, fmt::format("shape {}; the learning rate is a scalar, shape ()", shape_text(lr.shape())));
    out.learning_rate = lr.item();
    ++k;
  }
  for (const auto& slot : slots) {
    const std::string what = fmt::format("{}'s {} of {}", optimizer.name(), slot.kind,
                                         variable_name(layers, optimizer.built_variables()[slot.variable], slot.variable));
    require_floats(k, what);
    Tensor value = h5.read_dataset(at(k));
    if (!(value.shape() == slot.value.shape())) {
      fail(k, fmt::format("shape {}; {} has shape {}", shape_text(value.shape()), what, shape_text(slot.value.shape())));
    }
    out.slots.push_back(std::move(value));
    ++k;
  }
  return out;
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
  if (optimizer_) write_optimizer(h5, *optimizer_);  // Trainer.compile made model.optimizer
  file_io::write_file_atomically(path, h5.bytes());
}

void Sequential::load_weights(const std::filesystem::path& path) {
  if (!built()) throw Error("load_weights: the model is not built yet (give input_shape, or call build)");
  const std::string file = path.string();
  const std::string bytes = file_io::read_regular_file(path, tensor_file::kMaxFileBytes, "weights file");
  std::vector<Tensor> weights;
  std::optional<SavedOptimizer> optimizer_state;
  if (bytes.starts_with("DUETTNSR")) {
    weights = legacy_duet_weights(bytes, file);
  } else if (ends_with(file, ".weights.h5")) {
    weights = keras3_weights(bytes, file);
    // saving_lib._load_state visits model.optimizer after the layers: only a compiled model has one.
    if (optimizer_) optimizer_state = read_optimizer(saving::H5Reader(bytes, file), *optimizer_, layers_);
  } else if (ends_with(file, ".h5") || ends_with(file, ".hdf5")) {
    weights = keras2_weights(bytes, file);
  } else {
    throw Error(fmt::format("File format not supported: filepath={}. Keras 3 only supports V3 `.keras` and "
                            "`.weights.h5` files, or legacy V1/V2 `.h5` files.",
                            file));
  }
  set_weights(weights);  // checks every shape before changing anything
  if (optimizer_state) {
    optimizer_->assign_state(optimizer_state->iterations, optimizer_state->slots);  // checked above: cannot fail
    if (optimizer_state->learning_rate) optimizer_->set_learning_rate(*optimizer_state->learning_rate);
  }
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
