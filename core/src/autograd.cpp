// Reverse-mode differentiation: a topological sort of the recorded graph, then one reverse sweep
// that calls each node's backward closure. PyTorch's rules: leaves accumulate .grad until
// zeroed; non-leaves keep it only when retain_grad() was called; the graph is released after
// the pass unless retain_graph, and a second pass through a released node is an error.
#include <fmt/format.h>

#include <vector>

#include "autograd.h"
#include "duet/core/error.h"

namespace duet {

namespace {

// Non-leaf tensors reachable from `root` in post-order (each after its inputs; the sweep walks
// it backwards). Plain pointers, no reference counts: nothing is released until the sweep is
// over (run_backward), so the graph, owned by the root, keeps every visited tensor alive. Visited
// nodes are marked with the pass number rather than kept in a set, and the buffers are reused
// across passes: a training step's backward allocates nothing here once warm.
template <typename T>
void post_order_from(TensorImpl<T>* root, std::vector<TensorImpl<T>*>& out) {
  thread_local std::uint64_t pass = 0;
  thread_local std::vector<std::pair<TensorImpl<T>*, std::size_t>> stack;
  const std::uint64_t mark = ++pass;
  out.clear();
  stack.clear();
  root->visit_mark = mark;
  // Iterative DFS (a deep graph must not overflow the stack): (node, next input to visit).
  stack.emplace_back(root, 0);
  while (!stack.empty()) {
    auto& [impl, next] = stack.back();
    const auto& inputs = impl->grad_fn->inputs;
    if (next < inputs.size()) {
      TensorImpl<T>* in = inputs[next++].get();
      if (in->grad_fn && in->requires_grad && in->visit_mark != mark) {
        in->visit_mark = mark;
        stack.emplace_back(in, 0);
      }
    } else {
      out.push_back(impl);
      stack.pop_back();
    }
  }
}

// Anomaly mode: the gradients `node` just produced must be finite (PyTorch's wording).
template <typename T>
void check_gradients(GradNode<T>& node) {
  for (std::size_t i = 0; i < node.inputs.size(); ++i) {
    if (!detail::wants_grad(node, i)) continue;
    const TensorImpl<T>& in = *node.inputs[i];
    const auto& g = in.grad_fn ? in.pass_grad : in.grad->data;
    if (!g.allFinite()) {
      throw Error(fmt::format("backward: function '{}' returned nan or inf values in its {}th output (input of shape "
                              "{}); the loss or a learning rate is likely too large",
                              node.op, i, in.shape.str()));
    }
  }
}

template <typename T>
void run_backward(const std::shared_ptr<TensorImpl<T>>& root_ptr, const typename TensorImpl<T>::Array& seed, bool retain_graph) {
  TensorImpl<T>& root = *root_ptr;
  if (!root.requires_grad) {
    throw Error("backward: the tensor does not require grad and has no grad_fn "
                "(did you forget requires_grad on a parameter, or call it inside no_grad?)");
  }
  if (!root.grad_fn) {  // backward on a leaf: its gradient is the seed
    if (!root.grad) {
      root.grad = detail::new_impl<T>();
      root.grad->shape = root.shape;
      root.grad->data = seed;
    } else {
      root.grad->data += seed;
    }
    return;
  }
  if (root.grad_fn->released) {
    throw Error(fmt::format("backward: trying to backward through the graph a second time (op '{}'); "
                            "its buffers were freed by the first backward, pass retain_graph=true there",
                            root.grad_fn->op));
  }
  thread_local std::vector<TensorImpl<T>*> order;
  post_order_from(&root, order);
  // The nodes the sweep went through are released when it ends, however it ends, inputs first
  // (a node's inputs come before it in `order`): releasing a node can free only its inputs,
  // which are then never touched again. Releasing during the sweep would need an owning
  // reference per visited tensor to keep the ones still to be visited alive.
  struct ReleaseOnExit {
    std::vector<TensorImpl<T>*>& order;
    std::size_t swept = 0;  // how many, from the end of `order`, the sweep went through
    bool retain_graph;
    ~ReleaseOnExit() {
      if (!retain_graph) {
        for (std::size_t i = order.size() - swept; i < order.size(); ++i) order[i]->grad_fn->release();
      }
      order.clear();
    }
  } release_on_exit{order, 0, retain_graph};
  // The root's gradient is the seed itself, read in place: no node sends a gradient into the
  // root (it is not among its own inputs), so it needs no scratch copy.
  NoGradGuard no_grad;  // gradients themselves are not recorded
  const bool anomaly = is_anomaly_enabled();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    TensorImpl<T>* impl = *it;
    GradNode<T>& node = *impl->grad_fn;
    if (node.released) {
      throw Error(fmt::format("backward: trying to backward through the graph a second time (op '{}'); "
                              "pass retain_graph=true to the first backward",
                              node.op));
    }
    const bool is_root = impl == &root;
    if (is_root || impl->pass_grad_live) {
      const auto& grad_out = is_root ? seed : impl->pass_grad;
      node.backward(*impl, grad_out);
      if (anomaly) check_gradients(node);
      if (impl->retains_grad) {
        if (!impl->grad) {
          impl->grad = detail::new_impl<T>();
          impl->grad->shape = impl->shape;
          impl->grad->data = grad_out;
        } else {
          impl->grad->data += grad_out;
        }
      }
    }
    detail::give_back_values(impl->pass_grad);
    impl->pass_grad_live = false;
    ++release_on_exit.swept;  // after its backward: a node that threw keeps its graph, as before
  }
}

}  // namespace

template <typename T>
void BasicTensor<T>::backward(bool retain_graph) const {
  if (numel() != 1) {
    throw Error(fmt::format("backward: grad can be implicitly created only for a one-element output, "
                            "got shape {}; pass an explicit gradient",
                            shape().str()));
  }
  static const Array one = Array::Ones(1);  // the implicit seed, allocated once
  run_backward(impl_ptr(), one, retain_graph);
}

template <typename T>
void BasicTensor<T>::backward(const BasicTensor& gradient, bool retain_graph) const {
  if (!(gradient.shape() == shape())) {
    throw Error(fmt::format("backward: gradient of shape {} does not match the output's shape {}",
                            gradient.shape().str(), shape().str()));
  }
  // A copy: the seed is read in place during the pass, and `gradient` may be a .grad it writes.
  run_backward(impl_ptr(), Array(gradient.data()), retain_graph);
}

template void BasicTensor<float>::backward(bool) const;
template void BasicTensor<double>::backward(bool) const;
template void BasicTensor<float>::backward(const BasicTensor<float>&, bool) const;
template void BasicTensor<double>::backward(const BasicTensor<double>&, bool) const;

}  // namespace duet
