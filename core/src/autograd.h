// Internal: how an op records itself in the graph, and where backward closures send gradients.
#pragma once

#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>
#include <utility>

#include "duet/core/tensor.h"
#include "value_cache.h"

namespace duet::detail {

// Whether a result computed from `inputs` must be recorded (grad mode on, some input requires grad).
template <typename T>
bool needs_graph(std::initializer_list<const BasicTensor<T>*> inputs) {
  if (!grad_enabled()) return false;
  for (const auto* t : inputs)
    if (t->requires_grad()) return true;
  return false;
}

// A node holding its op's backward closure `F(node, out, grad_out)`.
template <typename T, typename F>
struct ClosureNode final : GradNode<T> {
  explicit ClosureNode(F f) : closure(std::move(f)) {}
  void backward(const TensorImpl<T>& out, const typename GradNode<T>::Array& grad_out) override {
    (*closure)(*this, out, grad_out);
  }
  void free_saved() override { closure.reset(); }
  std::optional<F> closure;
};

// A node for `backward` over `inputs` (in that order). The node and its closure are one block
// from the per-thread cache (small_pool.h).
template <typename T, typename Backward>
std::shared_ptr<GradNode<T>> make_node(const char* op, NodeInputs<T> inputs, Backward&& backward) {
  using Node = ClosureNode<T, std::decay_t<Backward>>;
  auto node = std::allocate_shared<Node>(PoolAllocator<Node>{}, std::forward<Backward>(backward));
  node->op = op;
  node->inputs = std::move(inputs);
  return node;
}

template <typename T, typename Backward>
std::shared_ptr<GradNode<T>> make_node(const char* op, std::vector<std::shared_ptr<TensorImpl<T>>> inputs,
                                       Backward&& backward) {
  return make_node<T>(op, NodeInputs<T>(std::make_move_iterator(inputs.begin()), std::make_move_iterator(inputs.end())),
                      std::forward<Backward>(backward));
}

// The allocator of every TensorImpl: its block comes from the per-thread block cache, and when
// the tensor dies its value buffers go to the per-thread value cache (value_cache.h) for the
// next step's ops. std::allocate_shared destroys the object through the allocator's destroy(),
// so this hook needs no destructor in TensorImpl itself.
template <typename U>
struct ImplAllocator : PoolAllocator<U> {
  ImplAllocator() noexcept = default;
  template <typename V>
  ImplAllocator(const ImplAllocator<V>&) noexcept {}  // NOLINT: implicit, as allocators convert
  template <typename V>
  struct rebind {
    using other = ImplAllocator<V>;
  };
  template <typename V>
  void destroy(V* p) noexcept {
    if constexpr (std::is_same_v<V, TensorImpl<float>> || std::is_same_v<V, TensorImpl<double>>) {
      give_back_values(p->data);
      give_back_values(p->pass_grad);
    }
    p->~V();
  }
  template <typename V>
  friend bool operator==(const ImplAllocator&, const ImplAllocator<V>&) noexcept {
    return true;
  }
};

// A tensor's bookkeeping (shape, values, gradient, node) from the per-thread block cache; its
// values are given back to the value cache when it dies (ImplAllocator).
template <typename T>
std::shared_ptr<TensorImpl<T>> new_impl() {
  return std::allocate_shared<TensorImpl<T>>(ImplAllocator<TensorImpl<T>>{});
}

// Builds the result tensor of an op; records `backward` when the graph is needed.
// `backward(node, out, grad_out)` adds each input's gradient into grad_sink(node, i).
template <typename T, typename Backward>
BasicTensor<T> make_result(const char* op, const Shape& shape, typename BasicTensor<T>::Array values,
                           std::initializer_list<const BasicTensor<T>*> inputs, Backward&& backward) {
  auto result = BasicTensor<T>::from_array(shape, std::move(values));
  if (needs_graph<T>(inputs)) {
    NodeInputs<T> impls;
    impls.reserve(inputs.size());
    for (const auto* t : inputs) impls.push_back(t->impl_ptr());
    result.impl().grad_fn = make_node<T>(op, std::move(impls), std::forward<Backward>(backward));
    result.impl().requires_grad = true;
  }
  return result;
}

// Whether input i of a node wants a gradient.
template <typename T>
bool wants_grad(const GradNode<T>& node, std::size_t i) {
  return node.inputs[i]->requires_grad;
}

// The buffer that input i's gradient is added into: a leaf's .grad, or a non-leaf's scratch
// gradient for this pass. Created as zeros on first use.
template <typename T>
typename TensorImpl<T>::Array& grad_sink(GradNode<T>& node, std::size_t i) {
  TensorImpl<T>& in = *node.inputs[i];
  const auto n = in.shape.numel();
  if (in.grad_fn) {
    if (!in.pass_grad_live) {
      if (in.pass_grad.size() != n) {
        give_back_values(in.pass_grad);
        in.pass_grad = take_values<T>(n);
      }
      in.pass_grad.setZero();
      in.pass_grad_live = true;
    }
    return in.pass_grad;
  }
  if (!in.grad) {
    in.grad = new_impl<T>();
    in.grad->shape = in.shape;
    in.grad->data = take_values<T>(n);
    in.grad->data.setZero();
  }
  return in.grad->data;
}

}  // namespace duet::detail
