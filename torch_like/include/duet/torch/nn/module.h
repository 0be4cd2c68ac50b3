/// @file
/// torch.nn.Module: a tree of named parameters and submodules, with forward().
///
/// A module registers its parameters and children explicitly (register_parameter,
/// register_module), in order, so parameters() and named_parameters() list them as PyTorch
/// does ("layers.0.weight"). Modules are not copyable or movable: children registered as
/// members are referred to by address.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

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
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<Module*> children() const;
  const std::vector<std::pair<std::string, Module*>>& named_children() const { return children_; }

  /// Training mode (the default) vs evaluation mode, for this module and every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  /// Zeroes the .grad of every parameter (optimizer.zero_grad does the same for its list).
  void zero_grad();

  /// Parameter values by dotted name, as copies (model.state_dict()).
  std::vector<std::pair<std::string, Tensor>> state_dict() const;
  /// Copies values in by name. Every name and shape is checked before anything changes, so a
  /// mismatched dict is an error that leaves the module untouched. strict: the names must match
  /// exactly; otherwise missing and unexpected names are skipped.
  void load_state_dict(const std::vector<std::pair<std::string, Tensor>>& state, bool strict = true);

  /// The class name shown by to_string(): by default the dynamic type's own name without its
  /// namespaces, as PyTorch prints `LinearRegressionModel(...)` for a user's subclass.
  virtual std::string type_name() const;
  /// What goes between the parentheses after the class name.
  virtual std::string extra_repr() const { return ""; }
  /// The module tree as PyTorch prints it: "Net(\n  (linear): Linear(in_features=1, ...)\n)".
  std::string to_string() const;

 protected:
  /// Registers (and returns) a parameter; it requires grad.
  Tensor& register_parameter(const std::string& name, Tensor value);
  /// Registers a child held as a member of this module.
  template <typename M>
  M& register_module(const std::string& name, M& child) {
    add_child(name, &child);
    return child;
  }
  /// Registers a child this module owns.
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> child) {
    add_child(name, child.get());
    owned_.push_back(child);
    return child;
  }

 private:
  void add_child(const std::string& name, Module* child);
  void collect(const std::string& prefix, bool recurse, std::vector<std::pair<std::string, Tensor>>& out) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Module*>> children_;
  std::vector<std::shared_ptr<Module>> owned_;
  bool training_ = true;
};

}  // namespace duet::torch::nn
