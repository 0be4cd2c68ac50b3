#include "duet/torch/nn/module.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::torch::nn {

Tensor Module::forward(const Tensor&) {
  throw Error(fmt::format("{}: forward() is not implemented; override it in your module", type_name()));
}

Tensor& Module::register_parameter(const std::string& name, Tensor value) {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw Error(fmt::format("register_parameter: invalid name '{}' (non-empty, no dots)", name));
  }
  for (const auto& [existing, _] : parameters_) {
    if (existing == name) throw Error(fmt::format("register_parameter: '{}' is already registered", name));
  }
  if (value.defined()) value.set_requires_grad(true);
  parameters_.emplace_back(name, value);
  return parameters_.back().second;
}

void Module::add_child(const std::string& name, Module* child) {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw Error(fmt::format("register_module: invalid name '{}' (non-empty, no dots)", name));
  }
  for (const auto& [existing, _] : children_) {
    if (existing == name) throw Error(fmt::format("register_module: '{}' is already registered", name));
  }
  children_.emplace_back(name, child);
}

void Module::collect(const std::string& prefix, bool recurse,
                     std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, p] : parameters_)
    if (p.defined()) out.emplace_back(prefix + name, p);
  if (!recurse) return;
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", true, out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", recurse, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [_, p] : named_parameters(recurse)) out.push_back(p);
  return out;
}

std::vector<Module*> Module::children() const {
  std::vector<Module*> out;
  for (const auto& [_, c] : children_) out.push_back(c);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [_, c] : children_) c->train(on);
}

void Module::zero_grad() {
  for (auto& p : parameters()) p.zero_grad();
}

std::string Module::to_string() const {
  if (children_.empty()) return type_name() + "(" + extra_repr() + ")";
  std::string s = type_name() + "(";
  if (!extra_repr().empty()) s += "\n  " + extra_repr();
  for (const auto& [name, child] : children_) {
    std::string inner = child->to_string();
    // Indent the child's continuation lines by two spaces, as PyTorch's _addindent does.
    for (std::size_t pos = inner.find('\n'); pos != std::string::npos; pos = inner.find('\n', pos + 3)) {
      inner.insert(pos + 1, "  ");
    }
    s += "\n  (" + name + "): " + inner;
  }
  return s + "\n)";
}

}  // namespace duet::torch::nn
