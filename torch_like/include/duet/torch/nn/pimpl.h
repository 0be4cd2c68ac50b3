/// @file
/// libtorch's module holders: `torch::nn::Linear` is a shared handle to a `LinearImpl`, used with
/// `->` (`fc1->weight`, `fc1->forward(x)`) or called (`fc1(x)`). Copies share the module, so a
/// holder returned by register_module and the parent's registry refer to the same layer.
/// TORCH_MODULE(Net) makes the holder `Net` for a user's `NetImpl`.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <memory>
#include <ostream>
#include <type_traits>
#include <utility>

#include "duet/core/error.h"

namespace duet::torch::nn {

template <typename Contained>
class ModuleHolder;

namespace detail {
template <typename T>
struct is_module_holder : std::false_type {};
template <typename T>
struct is_module_holder<ModuleHolder<T>> : std::true_type {};
/// Whether T is (derived from) ModuleHolder<Contained>: then the variadic constructor must not
/// swallow a copy.
template <typename T, typename Contained>
inline constexpr bool is_holder_of = std::is_base_of_v<ModuleHolder<Contained>, std::decay_t<T>>;
}  // namespace detail

template <typename Contained>
class ModuleHolder {
 public:
  using ContainedType = Contained;

  /// Default-constructs the module when it has a default constructor (`nn::Sequential seq;`);
  /// otherwise use `= nullptr` for an empty holder, as in libtorch.
  ModuleHolder()
    requires std::is_default_constructible_v<Contained>
      : impl_(std::make_shared<Contained>()) {}
  /// An empty holder (`torch::nn::Linear fc1{nullptr};`), filled later by assignment.
  ModuleHolder(std::nullptr_t) {}  // NOLINT: implicit, as in libtorch
  /// Constructs the module from these arguments: `Linear(784, 64)`, `Linear(LinearOptions(3, 1))`.
  template <typename Head, typename... Tail>
    requires(!(detail::is_holder_of<Head, Contained> && sizeof...(Tail) == 0) &&
             !std::is_same_v<std::decay_t<Head>, std::nullptr_t>)
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  /// Wraps an existing module (what register_module returns).
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}  // NOLINT: implicit

  explicit operator bool() const noexcept { return !is_empty(); }
  bool is_empty() const noexcept { return impl_ == nullptr; }

  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  Contained* get() const {
    require();
    return impl_.get();
  }
  const std::shared_ptr<Contained>& ptr() const {
    require();
    return impl_;
  }

  /// Calls the module's forward().
  template <typename... Args>
  decltype(auto) operator()(Args&&... args) {
    return get()->forward(std::forward<Args>(args)...);
  }
  /// Forwards to the module's subscript (Sequential's seq[0]).
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*get())[std::forward<Arg>(arg)];
  }

 protected:
  void require() const {
    if (!impl_) throw Error("Accessing empty ModuleHolder (construct the module, or assign register_module's result)");
  }
  std::shared_ptr<Contained> impl_;
};

/// Prints the module the holder holds.
template <typename Contained>
std::ostream& operator<<(std::ostream& os, const ModuleHolder<Contained>& holder) {
  return os << *holder;
}

}  // namespace duet::torch::nn

/// Defines `Name`, a ModuleHolder for `Name##Impl`, as libtorch's TORCH_MODULE does.
#define TORCH_MODULE_IMPL(Name, ImplType)                                  \
  class Name : public ::duet::torch::nn::ModuleHolder<ImplType> {          \
   public:                                                                 \
    using ::duet::torch::nn::ModuleHolder<ImplType>::ModuleHolder;         \
    using Impl = ImplType;                                                 \
  }
#define TORCH_MODULE(Name) TORCH_MODULE_IMPL(Name, Name##Impl)
