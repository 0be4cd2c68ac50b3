/// @file
/// torch.nn.Module: a tree of named parameters and submodules, with forward().
///
/// A module registers its parameters and children explicitly (register_parameter,
/// register_module), in order, so parameters() and named_parameters() list them as PyTorch
/// does ("layers.0.weight"). Modules are not copyable or movable: children registered as
/// members are referred to by address.
///
/// libtorch's forms work as well: a child given as a holder or shared_ptr is owned (shared) by
/// the parent and register_module returns it, so
///   fc1 = register_module("fc1", torch::nn::Linear(784, 64));
/// keeps the layer alive as long as either the parent or `fc1` does. A child registered as a
/// member reference must live as long as the parent (being a member, it does).
#pragma once

#include <concepts>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"
#include "duet/torch/nn/pimpl.h"
#include "duet/torch/ordered_dict.h"

namespace duet::torch::nn {

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// The computation; subclasses override it (PyTorch raises NotImplementedError otherwise).
  virtual Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }

  std::vector<Tensor> parameters(bool recurse = true) const;
  /// Parameters by dotted name, in registration order: `named_parameters()["fc1.weight"]`.
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  /// Buffers (state that is not trained, e.g. BatchNorm's running_mean), by dotted name in
  /// registration order (model.named_buffers()).
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  std::vector<Module*> children() const;
  const std::vector<std::pair<std::string, Module*>>& named_children() const { return children_; }

  /// Training mode (the default) vs evaluation mode, for this module and every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  /// libtorch's model->to(device): Duet's parameters live on the CPU, so kCPU changes nothing
  /// and any other device is one clear error (optionally with a dtype, which must be kFloat).
  void to(const Device& device, bool non_blocking = false);
  /// Zeroes the .grad of every parameter (optimizer.zero_grad does the same for its list).
  void zero_grad();

  /// Parameter and buffer values by dotted name, as copies (model.state_dict()): each module's
  /// own parameters, then its own buffers, then its children's, as PyTorch's _save_to_state_dict.
  std::vector<std::pair<std::string, Tensor>> state_dict() const;
  /// Copies values in by name. Every name and shape is checked before anything changes, so a
  /// mismatched dict is an error that leaves the module untouched. strict: the names must match
  /// exactly; otherwise missing and unexpected names are skipped.
  void load_state_dict(const std::vector<std::pair<std::string, Tensor>>& state, bool strict = true);

  /// This module as a T (`model[0]->as<torch::nn::Linear>()`), or null if it is not one. T is a
  /// module class, or a holder, which gives its module class (libtorch's Module::as).
  template <typename T>
  auto* as() noexcept {
    if constexpr (std::derived_from<T, Module>) {
      return dynamic_cast<T*>(this);
    } else {
      return dynamic_cast<typename T::ContainedType*>(this);
    }
  }

  /// The class name shown by to_string(): by default the dynamic type's own name without its
  /// namespaces, as PyTorch prints `LinearRegressionModel(...)` for a user's subclass.
  virtual std::string type_name() const;
  /// What goes between the parentheses after the class name.
  virtual std::string extra_repr() const { return ""; }
  /// The module tree as PyTorch prints it: "Net(\n  (linear): Linear(in_features=1, ...)\n)".
  std::string to_string() const;

 public:
  /// Registers (and returns) a parameter. It requires grad unless `requires_grad` is false.
  Tensor& register_parameter(const std::string& name, Tensor value, bool requires_grad = true);
  /// Registers (and returns) a buffer: saved in state_dict, never trained, never requires grad.
  Tensor& register_buffer(const std::string& name, Tensor value);
  /// Registers a child held as a member of this module (it must outlive nothing but its parent).
  template <typename M>
    requires std::derived_from<M, Module>
  M& register_module(const std::string& name, M& child) {
    add_child(name, &child);
    return child;
  }
  /// Registers a child this module shares ownership of, and returns it.
  template <typename M>
    requires std::derived_from<M, Module>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> child) {
    add_child(name, child.get());
    owned_.push_back(child);
    return child;
  }
  /// libtorch's form: `fc1 = register_module("fc1", torch::nn::Linear(784, 64));`.
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, ModuleHolder<M> holder) {
    return register_module(name, holder.ptr());
  }

 private:
  void add_child(const std::string& name, Module* child);
  enum class Entries { parameters, buffers, state };
  void collect(const std::string& prefix, bool recurse, Entries which,
               std::vector<std::pair<std::string, Tensor>>& out) const;
  void check_new_name(const std::string& name, const char* what) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, Module*>> children_;
  std::vector<std::shared_ptr<Module>> owned_;
  bool training_ = true;
};

/// Prints the module tree as PyTorch does (Module::to_string).
std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace duet::torch::nn
