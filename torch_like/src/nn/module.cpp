#include "duet/torch/nn/module.h"

#include <fmt/format.h>

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "duet/core/error.h"

namespace duet::torch::nn {

std::string Module::type_name() const {
  std::string name = typeid(*this).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                   std::free);
  if (status == 0 && demangled) name = demangled.get();
  // Keep the class's own name: drop namespaces and enclosing scopes ("duet::torch::nn::Linear",
  // "(anonymous namespace)::Net").
  const auto scope = name.rfind("::");
  if (scope != std::string::npos) name = name.substr(scope + 2);
  // A TORCH_MODULE user class NetImpl is the module its holder calls Net.
  if (name.size() > 4 && name.ends_with("Impl")) name.resize(name.size() - 4);
  return name;
}

std::ostream& operator<<(std::ostream& os, const Module& module) { return os << module.to_string(); }

Tensor Module::forward(const Tensor&) {
  throw Error(fmt::format("{}: forward() is not implemented; override it in your module", type_name()));
}

void Module::check_new_name(const std::string& name, const char* what) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw Error(fmt::format("{}: invalid name '{}' (non-empty, no dots)", what, name));
  }
  const auto taken = [&name](const auto& entries) {
    return std::any_of(entries.begin(), entries.end(), [&name](const auto& kv) { return kv.first == name; });
  };
  if (taken(parameters_) || taken(buffers_)) throw Error(fmt::format("{}: '{}' is already registered", what, name));
}

Tensor& Module::register_parameter(const std::string& name, Tensor value, bool requires_grad) {
  check_new_name(name, "register_parameter");
  if (value.defined()) value.set_requires_grad(requires_grad);
  parameters_.emplace_back(name, value);
  return parameters_.back().second;
}

Tensor& Module::register_buffer(const std::string& name, Tensor value) {
  check_new_name(name, "register_buffer");
  buffers_.emplace_back(name, value);
  return buffers_.back().second;
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

void Module::collect(const std::string& prefix, bool recurse, Entries which,
                     std::vector<std::pair<std::string, Tensor>>& out) const {
  if (which != Entries::buffers)
    for (const auto& [name, p] : parameters_)
      if (p.defined()) out.emplace_back(prefix + name, p);
  if (which != Entries::parameters)
    for (const auto& [name, b] : buffers_)
      if (b.defined()) out.emplace_back(prefix + name, b);
  if (!recurse) return;
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", true, which, out);
}

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> found;
  collect("", recurse, Entries::parameters, found);
  OrderedDict<std::string, Tensor> out;
  for (auto& [name, p] : found) out.insert(name, p);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [_, p] : named_parameters(recurse)) out.push_back(p);
  return out;
}

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> found;
  collect("", recurse, Entries::buffers, found);
  OrderedDict<std::string, Tensor> out;
  for (auto& [name, b] : found) out.insert(name, b);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [_, b] : named_buffers(recurse)) out.push_back(b);
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

std::vector<std::pair<std::string, Tensor>> Module::state_dict() const {
  std::vector<std::pair<std::string, Tensor>> entries, out;
  collect("", true, Entries::state, entries);
  for (const auto& [name, value] : entries) out.emplace_back(name, value.detach());
  return out;
}

void Module::load_state_dict(const std::vector<std::pair<std::string, Tensor>>& state, bool strict) {
  std::vector<std::pair<std::string, Tensor>> params;  // parameters and buffers
  collect("", true, Entries::state, params);
  std::vector<std::string> missing, unexpected, mismatched;
  std::vector<std::pair<Tensor, const Tensor*>> copies;
  for (auto& entry : params) {
    const std::string& name = entry.first;
    Tensor& p = entry.second;
    auto it = std::find_if(state.begin(), state.end(), [&name](const auto& kv) { return kv.first == name; });
    if (it == state.end()) {
      missing.push_back(name);
    } else if (!(it->second.shape() == p.shape())) {
      mismatched.push_back(fmt::format("size mismatch for {}: copying a param with shape {} from checkpoint, the shape "
                                       "in current model is {}",
                                       name, it->second.shape().str(), p.shape().str()));
    } else {
      copies.emplace_back(p, &it->second);
    }
  }
  for (const auto& entry : state) {
    const std::string& name = entry.first;
    if (std::none_of(params.begin(), params.end(), [&name](const auto& kv) { return kv.first == name; })) {
      unexpected.push_back(name);
    }
  }
  const auto quoted = [](const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "\"" : ", \"") + n + "\"";
    return s;
  };
  std::string errors;
  if (strict && !missing.empty()) errors += "Missing key(s) in state_dict: " + quoted(missing) + ". ";
  if (strict && !unexpected.empty()) errors += "Unexpected key(s) in state_dict: " + quoted(unexpected) + ". ";
  for (const auto& m : mismatched) errors += m + ". ";
  if (!errors.empty()) {
    errors.pop_back();
    throw Error(fmt::format("Error(s) in loading state_dict for {}: {}", type_name(), errors));
  }
  for (auto& [param, value] : copies) param.mutable_data() = value->data();
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

void Module::to(const Device& device, bool /*non_blocking*/) { require_cpu(device, "Module::to"); }

}  // namespace duet::torch::nn
