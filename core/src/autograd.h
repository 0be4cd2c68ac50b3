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

// A tensor's bookkeeping (shape, values, gradient, node) from the per-thread cache; the values
// themselves are Eigen's allocation.
template <typename T>
std::shared_ptr<TensorImpl<T>> new_impl() {
  return std::allocate_shared<TensorImpl<T>>(PoolAllocator<TensorImpl<T>>{});
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
      in.pass_grad.setZero(n);
      in.pass_grad_live = true;
    }
    return in.pass_grad;
  }
  if (!in.grad) {
    in.grad = new_impl<T>();
    in.grad->shape = in.shape;
    in.grad->data.setZero(n);
  }
  return in.grad->data;
}

}  // namespace duet::detail
