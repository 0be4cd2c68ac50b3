#include "duet/compare/layer_spec.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::compare {

namespace {

template <typename T>
const T& get(const std::map<std::string, LayerValue>& options, const std::string& key, const std::string& type,
             const char* side) {
  const auto it = options.find(key);
  if (it == options.end()) throw Error(fmt::format("layer '{}': no {}option '{}'", type, side, key));
  const T* v = std::get_if<T>(&it->second);
  if (!v) throw Error(fmt::format("layer '{}': {}option '{}' has another kind of value", type, side, key));
  return *v;
}

}  // namespace

std::int64_t LayerSpec::integer(const std::string& key) const {
  return static_cast<std::int64_t>(get<double>(shared, key, type, ""));
}
double LayerSpec::number(const std::string& key) const { return get<double>(shared, key, type, ""); }
bool LayerSpec::flag(const std::string& key) const { return get<bool>(shared, key, type, ""); }
const std::string& LayerSpec::text(const std::string& key) const { return get<std::string>(shared, key, type, ""); }

std::pair<std::int64_t, std::int64_t> LayerSpec::pair(const std::string& key) const {
  const auto& v = get<std::vector<std::int64_t>>(shared, key, type, "");
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() == 2) return {v[0], v[1]};
  throw Error(fmt::format("layer '{}': option '{}' holds {} values, not one or two", type, key, v.size()));
}

double LayerSpec::keras_number(const std::string& key) const { return get<double>(keras, key, type, "keras "); }
bool LayerSpec::keras_flag(const std::string& key) const { return get<bool>(keras, key, type, "keras "); }
const std::string& LayerSpec::keras_text(const std::string& key) const {
  return get<std::string>(keras, key, type, "keras ");
}
double LayerSpec::torch_number(const std::string& key) const { return get<double>(torch, key, type, "torch "); }
bool LayerSpec::torch_flag(const std::string& key) const { return get<bool>(torch, key, type, "torch "); }
const std::string& LayerSpec::torch_text(const std::string& key) const {
  return get<std::string>(torch, key, type, "torch ");
}

const Tensor& weight(const NamedWeights& weights, const std::string& name) {
  for (const auto& [n, t] : weights) {
    if (n == name) return t;
  }
  throw Error(fmt::format("no weight named '{}'", name));
}

}  // namespace duet::compare
