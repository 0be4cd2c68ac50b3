/// @file
/// torch::autograd: custom differentiable functions (torch/csrc/autograd/custom_function.h) and
/// torch::autograd::grad.
///
///   struct MulConstant : torch::autograd::Function<MulConstant> {
///     static torch::Tensor forward(AutogradContext* ctx, torch::Tensor x, double c) {
///       ctx->saved_data["c"] = c;
///       return x * c;
///     }
///     static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
///       return {grad_outputs[0] * ctx->saved_data["c"].toDouble(), torch::Tensor()};
///     }
///   };
///   auto y = MulConstant::apply(x, 5.5);
///
/// forward runs without recording; backward returns one gradient per argument of forward
/// (undefined for a non-tensor or one without a gradient). A wrong count is one error naming the
/// function, as in libtorch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "duet/core/custom_op.h"
#include "duet/core/tensor.h"

namespace duet::torch {

/// A value of saved_data: a number, a flag, a tensor or a string (libtorch's c10::IValue, the
/// kinds a custom Function stashes). Reading it as another kind is an error naming both.
class IValue {
 public:
  IValue() = default;
  IValue(double value) : value_(value) {}                                // NOLINT: implicit, as in libtorch
  IValue(std::int64_t value) : value_(value) {}                          // NOLINT
  IValue(int value) : value_(static_cast<std::int64_t>(value)) {}        // NOLINT
  IValue(bool value) : value_(value) {}                                  // NOLINT
  IValue(Tensor value) : value_(std::move(value)) {}                     // NOLINT
  IValue(std::string value) : value_(std::move(value)) {}                // NOLINT
  IValue(const char* value) : value_(std::string(value)) {}              // NOLINT

  bool isNone() const { return std::holds_alternative<std::monostate>(value_); }
  bool isDouble() const { return std::holds_alternative<double>(value_); }
  bool isInt() const { return std::holds_alternative<std::int64_t>(value_); }
  bool isBool() const { return std::holds_alternative<bool>(value_); }
  bool isTensor() const { return std::holds_alternative<Tensor>(value_); }
  bool isString() const { return std::holds_alternative<std::string>(value_); }
  double toDouble() const;
  std::int64_t toInt() const;
  bool toBool() const;
  Tensor toTensor() const;
  const std::string& toStringRef() const;
  /// "None", "Double", "Int", "Bool", "Tensor" or "String" (libtorch's tagKind()).
  std::string tagKind() const;

 private:
  std::variant<std::monostate, double, std::int64_t, bool, Tensor, std::string> value_;
};

namespace autograd {

using variable_list = std::vector<Tensor>;
using tensor_list = std::vector<Tensor>;

/// What forward hands to backward: saved tensors and other saved values.
class AutogradContext {
 public:
  /// Keeps `to_save` for backward (undefined tensors included, in order).
  void save_for_backward(variable_list to_save) { saved_ = std::move(to_save); }
  /// The tensors given to save_for_backward.
  variable_list get_saved_variables() const { return saved_; }
  /// Any other values forward wants backward to see.
  std::unordered_map<std::string, IValue> saved_data;

 private:
  variable_list saved_;
};

namespace detail {
/// "LinearFunction" for a class LinearFunction in any namespace.
std::string short_class_name(const std::type_info& type);
template <typename Arg>
Tensor tensor_or_none(const Arg& arg) {
  if constexpr (std::is_same_v<std::decay_t<Arg>, Tensor>) {
    return arg;
  } else {
    return Tensor();
  }
}
}  // namespace detail

/// Derive as `struct F : Function<F>` and define static `forward(AutogradContext*, args...)`
/// returning a Tensor and static `backward(AutogradContext*, tensor_list grad_outputs)`
/// returning one gradient per argument of forward; call `F::apply(args...)`.
template <class Derived>
struct Function {
  template <typename... Args>
  static Tensor apply(Args&&... args) {
    auto ctx = std::make_shared<AutogradContext>();
    std::vector<Tensor> inputs{detail::tensor_or_none(args)...};
    Tensor output;
    {
      NoGradGuard no_grad;  // forward's own ops are not recorded: backward is the derivative
      output = Derived::forward(ctx.get(), std::forward<Args>(args)...);
    }
    // The op's name in errors; grad_fn()->name() reports "<Class>Backward0".
    static const std::string name = detail::short_class_name(typeid(Derived));
    return record_custom_op<float>(name.c_str(), output, inputs, [ctx](const Tensor& grad_output) {
      return Derived::backward(ctx.get(), tensor_list{grad_output});
    });
  }
};

/// The gradients of `outputs` with respect to `inputs` (torch.autograd.grad), without touching
/// any tensor's .grad. `grad_outputs` seeds each output (ones for a one-element output when
/// empty). create_graph=true (a differentiable gradient, for double backward) is not available:
/// Duet's backward computes with arrays, not recorded ops, so it is one clear error. An input the
/// outputs do not depend on is an error unless allow_unused (then its gradient is undefined).
variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs = {},
                   std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                   bool allow_unused = false);

}  // namespace autograd
}  // namespace duet::torch
