/// @file
/// torch.nn.Sequential: children named "0", "1", ... applied in order. Built from holders
/// (`Sequential(Linear(3, 1), Flatten(...))`), from shared_ptrs, or grown with push_back.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

class SequentialImpl : public Module {
 public:
  SequentialImpl() = default;
  explicit SequentialImpl(std::vector<std::shared_ptr<Module>> modules);
  /// Sequential(Linear(3, 1), ReLU(), ...): holders or shared_ptrs, in order.
  template <typename First, typename... Rest>
    requires(!std::is_same_v<std::decay_t<First>, std::vector<std::shared_ptr<Module>>>)
  explicit SequentialImpl(First&& first, Rest&&... rest) {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }

  /// Appends a module. Its own forward() is called, so a user module whose forward takes a
  /// Tensor by value (libtorch style, not an override) works too, as with libtorch's AnyModule.
  template <typename M>
    requires std::derived_from<M, Module>
  SequentialImpl& push_back(std::shared_ptr<M> module) {
    require_module(module != nullptr);
    M* m = module.get();
    add(std::move(module), [m](const Tensor& x) { return m->forward(x); });
    return *this;
  }
  template <typename M>
  SequentialImpl& push_back(ModuleHolder<M> holder) {
    return push_back(holder.ptr());
  }

  Tensor forward(const Tensor& input) override;
  std::size_t size() const { return modules_.size(); }
  bool is_empty() const { return modules_.empty(); }
  /// The module at `index` (libtorch returns it untyped; use as<T>() or ptr<T>() for its type).
  std::shared_ptr<Module> operator[](std::size_t index) const { return ptr(index); }
  std::shared_ptr<Module> ptr(std::size_t index) const;
  /// The module at `index` as a T (LinearImpl, or a holder type such as Linear).
  template <typename T>
  auto& at(std::size_t index) const {
    auto* typed = ptr(index)->template as<T>();
    require_type(typed != nullptr, index);
    return *typed;
  }

  std::string type_name() const override { return "Sequential"; }

 private:
  void require_module(bool present) const;
  void require_type(bool matches, std::size_t index) const;
  std::vector<std::shared_ptr<Module>> modules_;
  void add(std::shared_ptr<Module> module, std::function<Tensor(const Tensor&)> forward);
  std::vector<std::function<Tensor(const Tensor&)>> forwards_;
};

/// The holder. Beside libtorch's forms it takes a list of shared_ptrs:
/// `Sequential({std::make_shared<LinearImpl>(2, 8), std::make_shared<ReLUImpl>()})`.
class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  Sequential() : ModuleHolder<SequentialImpl>() {}
  Sequential(std::vector<std::shared_ptr<Module>> modules)  // NOLINT: implicit for brace lists
      : ModuleHolder<SequentialImpl>(std::make_shared<SequentialImpl>(std::move(modules))) {}
};

}  // namespace duet::torch::nn
