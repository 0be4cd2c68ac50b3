// torch::autograd: IValue's typed reads, custom Function names, and grad() on top of the core's
// backward pass (the .grad of every tensor it touches is saved first and restored after).
#include "duet/torch/autograd.h"

#include <fmt/format.h>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <unordered_set>

#include "duet/core/error.h"

namespace duet::torch {

namespace {
template <typename V>
const V& expect(const std::variant<std::monostate, double, std::int64_t, bool, Tensor, std::string>& value,
                const char* wanted, const IValue& self) {
  if (const V* v = std::get_if<V>(&value)) return *v;
  throw Error(fmt::format("IValue: expected {} but got {}", wanted, self.tagKind()));
}
}  // namespace

double IValue::toDouble() const { return expect<double>(value_, "Double", *this); }
std::int64_t IValue::toInt() const { return expect<std::int64_t>(value_, "Int", *this); }
bool IValue::toBool() const { return expect<bool>(value_, "Bool", *this); }
Tensor IValue::toTensor() const { return expect<Tensor>(value_, "Tensor", *this); }
const std::string& IValue::toStringRef() const { return expect<std::string>(value_, "String", *this); }

std::string IValue::tagKind() const {
  static const char* const kKinds[] = {"None", "Double", "Int", "Bool", "Tensor", "String"};
  return kKinds[value_.index()];
}

namespace autograd {

namespace detail {
std::string short_class_name(const std::type_info& type) {
  std::string name = type.name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                   std::free);
  if (status == 0 && demangled) name = demangled.get();
  const auto scope = name.rfind("::");
  return scope == std::string::npos ? name : name.substr(scope + 2);
}
}  // namespace detail

namespace {

using Impl = Tensor::Impl;

// Every tensor whose .grad a backward pass from `outputs` may change: the leaves that require
// grad, reached through the recorded nodes.
std::vector<std::shared_ptr<Impl>> leaves_reached(const variable_list& outputs) {
  std::vector<std::shared_ptr<Impl>> leaves, stack;
  std::unordered_set<const Impl*> seen;
  for (const auto& out : outputs) stack.push_back(out.impl_ptr());
  while (!stack.empty()) {
    auto impl = std::move(stack.back());
    stack.pop_back();
    if (!impl || !seen.insert(impl.get()).second) continue;
    if (!impl->grad_fn) {
      if (impl->requires_grad) leaves.push_back(impl);
      continue;
    }
    for (const auto& in : impl->grad_fn->inputs) stack.push_back(in);
  }
  return leaves;
}

// Keeps the .grad (and retain_grad flag) of some tensors, clears them, and puts them back when
// it goes away, however the passes in between end.
class GradsSetAside {
 public:
  void add(const std::shared_ptr<Impl>& impl) {
    kept_.push_back({impl, impl->grad, impl->retains_grad});
    impl->grad.reset();
  }
  ~GradsSetAside() {
    for (auto& k : kept_) {
      k.impl->grad = std::move(k.grad);
      k.impl->retains_grad = k.retains_grad;
    }
  }

 private:
  struct Kept {
    std::shared_ptr<Impl> impl;
    std::shared_ptr<Impl> grad;
    bool retains_grad;
  };
  std::vector<Kept> kept_;
};

}  // namespace

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs,
                   std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  if (create_graph) {
    throw Error("torch::autograd::grad: create_graph=true (a differentiable gradient, for double backward) is not "
                "supported: Duet's backward pass computes with arrays, not recorded ops");
  }
  if (outputs.empty()) throw Error("torch::autograd::grad: grad requires at least one output");
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size()) {
    throw Error(fmt::format("torch::autograd::grad: got {} grad_outputs for {} outputs", grad_outputs.size(),
                            outputs.size()));
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined() || !inputs[i].requires_grad()) {
      throw Error(fmt::format("torch::autograd::grad: input {} does not require grad (One of the differentiated "
                              "Tensors does not require grad)",
                              i));
    }
  }
  // Set aside the .grad of every leaf the passes reach and of every input (each once), so that
  // what the passes leave in .grad is exactly the answer, and nothing else changes.
  GradsSetAside aside;
  std::unordered_set<const Impl*> set_aside;
  auto add = [&](const std::shared_ptr<Impl>& impl) {
    if (set_aside.insert(impl.get()).second) aside.add(impl);
  };
  for (const auto& leaf : leaves_reached(outputs)) add(leaf);
  for (const auto& input : inputs) {
    add(input.impl_ptr());
    if (!input.is_leaf()) input.impl().retains_grad = true;
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const bool keep = i + 1 < outputs.size() || retain_graph.value_or(false);
    if (grad_outputs.empty() || !grad_outputs[i].defined()) {
      outputs[i].backward(keep);
    } else {
      outputs[i].backward(grad_outputs[i], keep);
    }
  }
  variable_list result;
  for (const auto& input : inputs) {
    const auto& g = input.impl().grad;
    if (!g && !allow_unused) {
      throw Error("torch::autograd::grad: One of the differentiated Tensors appears to not have been used in the "
                  "graph. Set allow_unused=True if this is the desired behavior.");
    }
    result.push_back(g ? Tensor(g) : Tensor());
  }
  return result;
}

}  // namespace autograd
}  // namespace duet::torch
