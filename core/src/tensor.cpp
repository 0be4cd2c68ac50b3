#include "duet/core/tensor.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/core/random.h"
#include "autograd.h"

namespace duet {

namespace {
thread_local bool g_grad_enabled = true;
bool g_detect_anomaly = false;
}  // namespace

bool grad_enabled() { return g_grad_enabled; }
void set_detect_anomaly(bool on) { g_detect_anomaly = on; }
bool is_anomaly_enabled() { return g_detect_anomaly; }
NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

template <typename T>
TensorImpl<T>& BasicTensor<T>::impl() const {
  if (!impl_) throw Error("tensor: use of an undefined tensor (for example a .grad before backward)");
  return *impl_;
}

template <typename T>
BasicTensor<T> BasicTensor<T>::from_array(const Shape& shape, Array values) {
  if (values.size() != shape.numel()) {
    throw Error(fmt::format("tensor: {} values do not fill shape {} ({} elements)", values.size(),
                            shape.str(), shape.numel()));
  }
  auto impl = detail::new_impl<T>();
  impl->shape = shape;
  impl->data = std::move(values);
  return BasicTensor(std::move(impl));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::from_data(const Shape& shape, std::vector<T> values) {
  Array a = Eigen::Map<const Array>(values.data(), static_cast<Eigen::Index>(values.size()));
  return from_array(shape, std::move(a));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::full(const Shape& shape, T value) {
  Array values = detail::take_values<T>(shape.numel());
  values.setConstant(value);
  return from_array(shape, std::move(values));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::from_rows(const std::vector<std::vector<T>>& rows) {
  const std::size_t cols = rows.empty() ? 0 : rows.front().size();
  std::vector<T> flat;
  flat.reserve(rows.size() * cols);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != cols) {
      throw Error(fmt::format("tensor: row {} has {} values but row 0 has {} (rows must be equally long)",
                              r, rows[r].size(), cols));
    }
    flat.insert(flat.end(), rows[r].begin(), rows[r].end());
  }
  return from_data(Shape{static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(cols)},
                   std::move(flat));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::from_rows(std::initializer_list<std::initializer_list<T>> rows) {
  std::vector<std::vector<T>> v;
  for (const auto& r : rows) v.emplace_back(r);
  return from_rows(v);
}

template <typename T>
T BasicTensor<T>::item() const {
  if (numel() != 1) {
    throw Error(fmt::format("item: a tensor with {} elements (shape {}) cannot be converted to a scalar",
                            numel(), shape().str()));
  }
  return data()[0];
}

template <typename T>
T BasicTensor<T>::at(std::int64_t row, std::int64_t col) const {
  const Shape& s = shape();
  if (s.rank() != 2 || row < 0 || col < 0 || row >= s[0] || col >= s[1]) {
    throw Error(fmt::format("at: index ({}, {}) is outside shape {}", row, col, s.str()));
  }
  return data()[row * s[1] + col];
}

template <typename T>
std::vector<std::vector<T>> BasicTensor<T>::to_rows() const {
  const Shape& s = shape();
  if (s.rank() != 2) throw Error(fmt::format("to_rows: need a 2-D tensor, got shape {}", s.str()));
  std::vector<std::vector<T>> rows(static_cast<std::size_t>(s[0]));
  for (std::int64_t r = 0; r < s[0]; ++r) {
    rows[static_cast<std::size_t>(r)].assign(data().data() + r * s[1], data().data() + (r + 1) * s[1]);
  }
  return rows;
}

template <typename T>
BasicTensor<T>& BasicTensor<T>::set_requires_grad(bool on) {
  if (!is_leaf()) {
    throw Error("set_requires_grad: only leaf tensors can change requires_grad (use detach() first)");
  }
  if (on && !is_floating(dtype())) {
    // torch/csrc/autograd/variable.cpp: "Only Tensors of floating point ... dtype can require gradients"
    throw Error(fmt::format("requires_grad: only tensors of floating point dtype can require gradients, got {}",
                            dtype_name(dtype())));
  }
  impl().requires_grad = on;
  return *this;
}

template <typename T>
void BasicTensor<T>::zero_grad() {
  if (impl().grad) impl().grad->data.setZero();
}

template <typename T>
void BasicTensor<T>::retain_grad() {
  if (!requires_grad()) throw Error("retain_grad: the tensor does not require grad");
  if (!is_leaf()) impl().retains_grad = true;
}

template <typename T>
BasicTensor<T> BasicTensor<T>::detach() const {
  auto out = from_array(shape(), data());
  out.impl().dtype = dtype();
  return out;
}

template <typename T>
BasicTensor<T> BasicTensor<T>::clone() const {
  return copy(*this);
}

template <typename T>
std::string BasicTensor<T>::str() const {
  if (!defined()) return "tensor(undefined)";
  const Shape& s = shape();
  std::string body;
  if (s.rank() == 2) {
    body = "[";
    for (std::int64_t r = 0; r < s[0]; ++r) {
      body += r ? ", [" : "[";
      for (std::int64_t c = 0; c < s[1]; ++c) body += fmt::format("{}{:g}", c ? ", " : "", data()[r * s[1] + c]);
      body += "]";
    }
    body += "]";
  } else {
    body = "[";
    for (Eigen::Index i = 0; i < data().size(); ++i) body += fmt::format("{}{:g}", i ? ", " : "", data()[i]);
    body += "]";
  }
  return fmt::format("tensor({}, shape {})", body, s.str());
}

}  // namespace duet

#include "tensor_methods.inc"

namespace duet {
template class BasicTensor<float>;
template class BasicTensor<double>;
}  // namespace duet
