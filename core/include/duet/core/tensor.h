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
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "duet/core/device.h"
#include "duet/core/dtype.h"
#include "duet/core/indexing.h"
#include "duet/core/shape.h"
#include "duet/core/small_pool.h"

namespace duet {

class Generator;  // duet/core/random.h

template <typename T>
struct TensorImpl;

/// The inputs a graph node keeps alive, in a vector whose storage comes from the per-thread
/// block cache (small_pool.h), like the node itself.
template <typename T>
using NodeInputs = std::vector<std::shared_ptr<TensorImpl<T>>, detail::PoolAllocator<std::shared_ptr<TensorImpl<T>>>>;

/// The name PyTorch's autograd gives the node of Duet's op `op` ("add" -> "AddBackward0").
std::string pytorch_node_name(const char* op);

/// One recorded op: what backward needs to send the output's gradient to the inputs. Each op
/// stores its backward closure in a subclass (detail::ClosureNode), so a node and its captured
/// state take one allocation.
template <typename T>
struct GradNode {
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;

  const char* op = "";
  NodeInputs<T> inputs;
  bool released = false;  ///< set once a backward pass without retain_graph has run through it

  virtual ~GradNode() = default;
  /// The node's name as PyTorch's autograd shows it (`y.grad_fn()->name()`: AddBackward0,
  /// MulBackward0, MeanBackward0, ...); grad_fn is a libtorch name, so its nodes use libtorch's.
  std::string name() const { return pytorch_node_name(op); }
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
  /// How the values are read: float32 / float64 by default, int64 or bool for whole numbers.
  DType dtype = std::is_same_v<T, double> ? DType::float64 : DType::float32;
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
  /// Size of one dimension; `axis` may be negative. Takes int64 as libtorch's size(dim) does.
  std::int64_t size(std::int64_t axis) const {
    return shape()[shape().normalize_axis(static_cast<int>(axis), "size")];
  }

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
  /// A new leaf holding a copy of the values (PyTorch's detach shares the storage; Duet's values
  /// live in the tensor, so a detached tensor is a copy: writing to it leaves this one alone).
  BasicTensor detach() const;
  /// A copy that stays in the graph: gradients flow back through it (PyTorch's clone()).
  BasicTensor clone() const;

  std::string str() const;  ///< "tensor([[0.5], [1]], shape [2, 1])"

  /// @name PyTorch-style methods
  /// libtorch's Tensor methods, so the torch front-end's Tensor (this class) reads like
  /// libtorch. Each is a thin call of a core op; `dim` may be negative. Ops on int64 / bool
  /// tensors are not recorded; arithmetic results are float unless noted.
  /// @{
  DType dtype() const { return impl().dtype; }
  DType scalar_type() const { return dtype(); }
  bool is_floating_point() const { return is_floating(dtype()); }
  /// A copy read as `dtype`: to int64 truncates toward zero, to bool tests != 0. Converting to
  /// the tensor's own dtype returns the tensor itself, as PyTorch does.
  BasicTensor to(DType dtype) const;
  /// Duet computes on the CPU only: to(kCPU) returns this tensor, any other device is an error.
  BasicTensor to(const Device& device) const;
  BasicTensor to(const Device& device, DType dtype) const { return to(device).to(dtype); }
  Device device() const { return Device(DeviceType::CPU); }
  bool is_cpu() const { return true; }
  bool is_cuda() const { return false; }
  /// The node that made this tensor (null for a leaf), as libtorch's grad_fn().
  const std::shared_ptr<GradNode<T>>& grad_fn() const { return impl().grad_fn; }
  /// item() converted to U (item<float>(), item<std::int64_t>(), item<bool>()).
  template <typename U>
  U item() const {
    return static_cast<U>(item());
  }
  const Shape& sizes() const { return shape(); }
  int dim() const { return rank(); }
  BasicTensor& requires_grad_(bool on = true) { return set_requires_grad(on); }

  BasicTensor sum() const;
  BasicTensor sum(std::int64_t dim, bool keepdim = false) const;
  BasicTensor mean() const;
  BasicTensor mean(std::int64_t dim, bool keepdim = false) const;
  BasicTensor max() const;
  BasicTensor min() const;
  /// (values, indices) along `dim`; the indices are int64 (the first extreme wins).
  std::tuple<BasicTensor, BasicTensor> max(std::int64_t dim, bool keepdim = false) const;
  std::tuple<BasicTensor, BasicTensor> min(std::int64_t dim, bool keepdim = false) const;
  BasicTensor argmax() const;  ///< flat index of the first maximum, int64
  BasicTensor argmax(std::int64_t dim, bool keepdim = false) const;
  BasicTensor argmin() const;
  BasicTensor argmin(std::int64_t dim, bool keepdim = false) const;

  BasicTensor pow(double exponent) const;
  BasicTensor pow(const BasicTensor& exponent) const;  ///< elementwise, broadcasting
  BasicTensor exp() const;
  BasicTensor log() const;
  BasicTensor sqrt() const;
  BasicTensor abs() const;
  BasicTensor sin() const;
  BasicTensor cos() const;
  BasicTensor tanh() const;
  BasicTensor sigmoid() const;
  BasicTensor relu() const;
  BasicTensor neg() const;
  BasicTensor square() const;
  BasicTensor clamp(double min, double max) const;
  BasicTensor mm(const BasicTensor& other) const;
  /// The p-norm of all elements, (sum |x|^p)^(1/p) (p = 2 by default), composed of
  /// differentiable ops (so its grad_fn is the last of them, not PyTorch's NormBackward).
  BasicTensor norm(double p = 2) const;
  /// The p-norm along `dim`.
  BasicTensor norm(double p, std::int64_t dim, bool keepdim = false) const;
  /// This tensor broadcast to `other`'s shape (a copy, in the graph).
  BasicTensor expand_as(const BasicTensor& other) const;
  /// Whether every (any) element is non-zero, as a bool scalar.
  BasicTensor all() const;
  BasicTensor any() const;
  BasicTensor matmul(const BasicTensor& other) const;

  /// Same values, new shape; one size may be -1. Duet copies where PyTorch shares storage.
  BasicTensor view(const Dims& size) const;
  BasicTensor reshape(const Dims& size) const;
  BasicTensor unsqueeze(std::int64_t dim) const;
  BasicTensor squeeze() const;  ///< drops every size-1 dimension
  BasicTensor squeeze(std::int64_t dim) const;  ///< drops `dim` if its size is 1
  BasicTensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1) const;
  BasicTensor t() const;  ///< transpose of a tensor of rank <= 2
  BasicTensor transpose(std::int64_t dim0, std::int64_t dim1) const;
  BasicTensor permute(const Dims& dims) const;
  BasicTensor contiguous() const { return *this; }  ///< Duet's values are always contiguous

  /// x.index({Slice(), 0}) is Python's x[:, 0]. Unlike libtorch, index, select, narrow, slice
  /// and view return copies, not views: an in-place op on the result leaves x alone.
  BasicTensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  BasicTensor index(const std::vector<indexing::TensorIndex>& indices) const;
  /// x[i]: select(0, i), so `w[0][2]` reads as in Python (a copy, see index()).
  BasicTensor operator[](std::int64_t index) const { return select(0, index); }
  /// The slice at `index` along `dim`, which is removed.
  BasicTensor select(std::int64_t dim, std::int64_t index) const;
  /// `length` entries from `start` along `dim`.
  BasicTensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;
  /// Python's x[start:end:step] along `dim` (ends clamped as Python does).
  BasicTensor slice(std::int64_t dim = 0, std::optional<std::int64_t> start = std::nullopt,
                    std::optional<std::int64_t> end = std::nullopt, std::int64_t step = 1) const;

  /// Elementwise comparisons, broadcasting; bool results.
  BasicTensor eq(const BasicTensor& other) const;
  BasicTensor ne(const BasicTensor& other) const;
  BasicTensor gt(const BasicTensor& other) const;
  BasicTensor lt(const BasicTensor& other) const;
  BasicTensor ge(const BasicTensor& other) const;
  BasicTensor le(const BasicTensor& other) const;
  BasicTensor eq(double other) const;
  BasicTensor ne(double other) const;
  BasicTensor gt(double other) const;
  BasicTensor lt(double other) const;
  BasicTensor ge(double other) const;
  BasicTensor le(double other) const;
  /// Same shape and values (torch.equal).
  bool equal(const BasicTensor& other) const;
  /// |a - b| <= atol + rtol |b| everywhere, broadcasting (torch.allclose and its defaults).
  bool allclose(const BasicTensor& other, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) const;

  /// In-place updates, outside the graph. As in PyTorch they are refused on a tensor that
  /// requires grad while gradients are recorded (do them under NoGradGuard, like `w -= lr * g`).
  BasicTensor& zero_();
  /// Copies `src` (broadcast to this shape) into this tensor's values.
  BasicTensor& copy_(const BasicTensor& src);
  BasicTensor& fill_(double value);
  /// Fills with draws from U[from, to) (x.uniform_(from, to)), from `generator` or, when null,
  /// from duet::default_generator() (torch::manual_seed seeds it). Throws when from > to.
  BasicTensor& uniform_(double from = 0, double to = 1, Generator* generator = nullptr);
  /// Fills with draws from N(mean, std^2) (x.normal_(mean, std)), from `generator` or
  /// duet::default_generator(). Throws when std < 0.
  BasicTensor& normal_(double mean = 0, double std = 1, Generator* generator = nullptr);
  BasicTensor& add_(const BasicTensor& other);
  BasicTensor& sub_(const BasicTensor& other);
  BasicTensor& mul_(const BasicTensor& other);
  BasicTensor& div_(const BasicTensor& other);
  BasicTensor& add_(double other);
  BasicTensor& sub_(double other);
  BasicTensor& mul_(double other);
  BasicTensor& div_(double other);
  BasicTensor& operator+=(const BasicTensor& other) { return add_(other); }
  BasicTensor& operator-=(const BasicTensor& other) { return sub_(other); }
  BasicTensor& operator*=(const BasicTensor& other) { return mul_(other); }
  BasicTensor& operator/=(const BasicTensor& other) { return div_(other); }
  BasicTensor& operator+=(double other) { return add_(other); }
  BasicTensor& operator-=(double other) { return sub_(other); }
  BasicTensor& operator*=(double other) { return mul_(other); }
  BasicTensor& operator/=(double other) { return div_(other); }
  /// @}

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
