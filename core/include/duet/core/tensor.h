/// @file
/// The tensor: float32 (Tensor) for models, float64 (Tensor64) for gradient checking.
///
/// A Tensor is a cheap handle: copies share values, gradient and place in the graph, exactly like
/// a PyTorch tensor object; clone() copies the values into a new leaf. Values are stored as one
/// contiguous row-major Eigen array. Ops record a backward closure when gradients are enabled and
/// an input requires them (see autograd.h); optimisers update a parameter's values in place
/// through mutable_data(), outside the graph.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "duet/core/shape.h"

namespace duet {

template <typename T>
struct TensorImpl;

/// One recorded op: what backward needs to send the output's gradient to the inputs. Each op
/// stores its backward closure in a subclass (detail::ClosureNode), so a node and its captured
/// state take one allocation.
template <typename T>
struct GradNode {
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;

  const char* op = "";
  std::vector<std::shared_ptr<TensorImpl<T>>> inputs;
  bool released = false;  ///< set once a backward pass without retain_graph has run through it

  virtual ~GradNode() = default;
  /// Adds each input's gradient, given the output and its gradient.
  virtual void backward(const TensorImpl<T>& out, const Array& grad_out) = 0;
  /// Frees the inputs and whatever the closure saved; the node stays as a marker.
  void release() {
    inputs.clear();
    free_saved();
    released = true;
  }

 protected:
  virtual void free_saved() = 0;
};

template <typename T>
struct TensorImpl {
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;

  Shape shape;
  Array data;
  std::shared_ptr<TensorImpl> grad;  ///< leaves (and non-leaves that retain it) keep .grad here
  std::shared_ptr<GradNode<T>> grad_fn;  ///< null for leaves
  bool requires_grad = false;
  bool retains_grad = false;
  /// Scratch gradient of a non-leaf during one backward pass.
  Array pass_grad;
  bool pass_grad_live = false;
  std::uint64_t visit_mark = 0;  ///< the backward pass that last visited it (topological sort)
};

template <typename T>
class BasicTensor {
 public:
  using Scalar = T;
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
  using Impl = TensorImpl<T>;

  BasicTensor() = default;  ///< an undefined tensor (like an empty `.grad`)
  explicit BasicTensor(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  /// Factories. Values are row-major; their count must match the shape.
  static BasicTensor from_data(const Shape& shape, std::vector<T> values);
  static BasicTensor from_array(const Shape& shape, Array values);
  static BasicTensor full(const Shape& shape, T value);
  static BasicTensor zeros(const Shape& shape) { return full(shape, T(0)); }
  static BasicTensor ones(const Shape& shape) { return full(shape, T(1)); }
  static BasicTensor scalar(T value) { return full(Shape{}, value); }
  /// A matrix from nested braces: from_rows({{-1}, {0}, {1}}) has shape [3, 1].
  static BasicTensor from_rows(std::initializer_list<std::initializer_list<T>> rows);
  static BasicTensor from_rows(const std::vector<std::vector<T>>& rows);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  int rank() const { return shape().rank(); }
  std::int64_t numel() const { return shape().numel(); }
  std::int64_t size(int axis) const { return shape()[shape().normalize_axis(axis, "size")]; }

  const Array& data() const { return impl().data; }
  /// In-place access for initialisers and optimisers; not recorded in the graph.
  Array& mutable_data() { return impl().data; }
  /// The value of a one-element tensor (PyTorch's item()).
  T item() const;
  /// Element (row, col) of a 2-D tensor.
  T at(std::int64_t row, std::int64_t col) const;
  std::vector<std::vector<T>> to_rows() const;  ///< a 2-D tensor as nested vectors

  /// Autograd (PyTorch semantics; see autograd.h).
  bool requires_grad() const { return impl().requires_grad; }
  BasicTensor& set_requires_grad(bool on = true);
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  BasicTensor grad() const { return BasicTensor(impl().grad); }
  void zero_grad();  ///< zero the stored gradient (if any), as optimizer.zero_grad(set_to_none=False)
  void set_grad_none() { impl().grad.reset(); }
  void retain_grad();
  void backward(bool retain_graph = false) const;
  void backward(const BasicTensor& gradient, bool retain_graph = false) const;
  BasicTensor detach() const;  ///< a new leaf holding a copy of the values
  BasicTensor clone() const { return detach(); }

  std::string str() const;  ///< "tensor([[0.5], [1]], shape [2, 1])"

  Impl& impl() const;
  const std::shared_ptr<Impl>& impl_ptr() const { return impl_; }
  bool same_as(const BasicTensor& other) const { return impl_ == other.impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

using Tensor = BasicTensor<float>;
using Tensor64 = BasicTensor<double>;

/// Gradient recording is on by default; NoGradGuard turns it off for its scope (torch.no_grad).
bool grad_enabled();

/// Anomaly detection (torch.autograd.set_detect_anomaly): when on, backward checks every
/// gradient an op produces and throws at the first NaN or infinity, naming the op, instead of
/// letting it spread into the parameters. Off by default: it costs a pass over each gradient.
void set_detect_anomaly(bool on);
bool is_anomaly_enabled();
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

extern template class BasicTensor<float>;
extern template class BasicTensor<double>;

}  // namespace duet
