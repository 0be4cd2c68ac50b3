// The PyTorch-style methods of BasicTensor: each maps libtorch's name and argument order onto a
// core op. Indexing ops (select, narrow, slice, permute, index) describe a strided view of the
// values and hand its element positions to the one `take` primitive, so they share a backward.
#include <fmt/format.h>

#include <cmath>
#include <numeric>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "ops/broadcast.h"

namespace duet {

namespace {

// PyTorch's wrap_dim: `dim` in [-rank, rank) (a scalar accepts 0 and -1).
int wrap_dim(std::int64_t dim, int rank, const char* op) {
  const int r = rank == 0 ? 1 : rank;
  if (dim < -r || dim >= r) {
    throw Error(fmt::format("{}: Dimension out of range (expected to be in range of [{}, {}], but got {})", op, -r,
                            r - 1, dim));
  }
  return static_cast<int>(dim < 0 ? dim + r : dim);
}

// A strided window onto a tensor's row-major values.
struct StridedView {
  std::vector<std::int64_t> sizes, strides;
  std::int64_t offset = 0;

  explicit StridedView(const Shape& s) : sizes(s.begin(), s.end()), strides(sizes.size()) {
    std::int64_t stride = 1;
    for (std::size_t k = sizes.size(); k-- > 0;) {
      strides[k] = stride;
      stride *= sizes[k];
    }
  }
  void drop(std::size_t dim) {
    sizes.erase(sizes.begin() + static_cast<std::ptrdiff_t>(dim));
    strides.erase(strides.begin() + static_cast<std::ptrdiff_t>(dim));
  }
  Shape shape() const { return Shape(sizes.begin(), sizes.end()); }
  // The source position of every element, in row-major order of the view.
  std::vector<std::int64_t> positions() const {
    std::int64_t n = 1;
    for (auto s : sizes) n *= s;
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(n));
    std::vector<std::int64_t> idx(sizes.size(), 0);
    for (std::int64_t i = 0; i < n; ++i) {
      std::int64_t p = offset;
      for (std::size_t k = 0; k < sizes.size(); ++k) p += idx[k] * strides[k];
      out.push_back(p);
      for (std::size_t k = sizes.size(); k-- > 0;) {
        if (++idx[k] < sizes[k]) break;
        idx[k] = 0;
      }
    }
    return out;
  }
};

template <typename T>
BasicTensor<T> materialize(const BasicTensor<T>& x, const StridedView& v) {
  return take(x, v.shape(), v.positions());
}

void select_in(StridedView& v, std::size_t dim, std::int64_t index, const Shape& shape, const char* op) {
  const std::int64_t size = v.sizes[dim];
  if (index < -size || index >= size) {
    throw Error(fmt::format("{}: index {} is out of range for dimension {} with size {} (shape {})", op, index, dim,
                            size, shape.str()));
  }
  v.offset += (index < 0 ? index + size : index) * v.strides[dim];
  v.drop(dim);
}

void slice_in(StridedView& v, std::size_t dim, std::optional<std::int64_t> start, std::optional<std::int64_t> end,
              std::int64_t step, const char* op) {
  if (step <= 0) throw Error(fmt::format("{}: slice step must be positive, got {}", op, step));
  const std::int64_t size = v.sizes[dim];
  auto clamp_end = [size](std::int64_t e) { return std::clamp<std::int64_t>(e < 0 ? e + size : e, 0, size); };
  const std::int64_t b = start ? clamp_end(*start) : 0;
  const std::int64_t e = std::max(b, end ? clamp_end(*end) : size);
  v.offset += b * v.strides[dim];
  v.sizes[dim] = (e - b + step - 1) / step;
  v.strides[dim] *= step;
}

// In-place ops change values outside the graph, so they are refused where the graph would miss them.
template <typename T>
void require_in_place(const BasicTensor<T>& self, const BasicTensor<T>* other, const char* op) {
  if (grad_enabled() && self.requires_grad()) {
    throw Error(fmt::format("{}: a {} that requires grad is being used in an in-place operation (do it under "
                            "torch::NoGradGuard, or write x = x + y)",
                            op, self.is_leaf() ? "leaf Variable" : "tensor in the graph"));
  }
  if (grad_enabled() && other && other->requires_grad()) {
    throw Error(fmt::format("{}: the operand requires grad, and in-place ops are not recorded (write x = x + y)", op));
  }
}

template <typename T, typename F>
BasicTensor<T>& in_place(BasicTensor<T>& self, const BasicTensor<T>& other, const char* op, F f) {
  require_in_place(self, &other, op);
  if (!is_floating(self.dtype()) && is_floating(other.dtype())) {
    throw Error(fmt::format("{}: result type {} can't be cast to the desired output type {}", op,
                            dtype_name(other.dtype()), dtype_name(self.dtype())));
  }
  const detail::BroadcastPlan plan(self.shape(), other.shape(), op);
  if (!(plan.out == self.shape())) {
    throw Error(fmt::format("{}: output with shape {} doesn't match the broadcast shape {}", op, self.shape().str(),
                            plan.out.str()));
  }
  auto& a = self.mutable_data();
  const auto& b = other.data();
  plan.for_each([&](std::int64_t, std::int64_t ia, std::int64_t ib) { a[ia] = f(a[ia], b[ib]); });
  return self;
}

template <typename T>
BasicTensor<T> number(T value, DType dtype) {
  auto out = BasicTensor<T>::scalar(value);
  out.impl().dtype = dtype;
  return out;
}

template <typename T>
DType number_dtype(double value) {
  return std::trunc(value) == value ? DType::int64 : (std::is_same_v<T, double> ? DType::float64 : DType::float32);
}

}  // namespace

namespace indexing {
TensorIndex::TensorIndex(const char* ellipsis) : kind_(Kind::ellipsis) {
  if (std::string(ellipsis) != "...") {
    throw Error(fmt::format("index: the only string index is \"...\" (the Ellipsis), got \"{}\"", ellipsis));
  }
}
}  // namespace indexing

template <typename T>
BasicTensor<T> BasicTensor<T>::to(DType dtype) const {
  return to_dtype(*this, dtype);
}

// ---- reductions ----

template <typename T>
BasicTensor<T> BasicTensor<T>::sum() const {
  auto out = duet::sum(*this);
  if (!is_floating_point()) out.impl().dtype = DType::int64;  // PyTorch sums int64 and bool as int64
  return out;
}

template <typename T>
BasicTensor<T> BasicTensor<T>::sum(std::int64_t dim, bool keepdim) const {
  auto out = duet::sum(*this, wrap_dim(dim, rank(), "sum"), keepdim);
  if (!is_floating_point()) out.impl().dtype = DType::int64;
  return out;
}

namespace {
template <typename T>
void require_floating_mean(const BasicTensor<T>& x) {
  if (!x.is_floating_point()) {
    throw Error(fmt::format("mean(): could not infer output dtype. Input dtype must be a floating point dtype. "
                            "Got: {} (convert with .to(torch::kFloat))",
                            dtype_name(x.dtype())));
  }
}
template <typename T>
BasicTensor<T> keep_dtype(BasicTensor<T> out, DType dtype) {
  out.impl().dtype = dtype;
  return out;
}
}  // namespace

template <typename T>
BasicTensor<T> BasicTensor<T>::mean() const {
  require_floating_mean(*this);
  return duet::mean(*this);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::mean(std::int64_t dim, bool keepdim) const {
  require_floating_mean(*this);
  return duet::mean(*this, wrap_dim(dim, rank(), "mean"), keepdim);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::max() const {
  return keep_dtype(duet::max(*this), dtype());
}

template <typename T>
BasicTensor<T> BasicTensor<T>::min() const {
  return keep_dtype(duet::neg(duet::max(duet::neg(*this))), dtype());
}

template <typename T>
std::tuple<BasicTensor<T>, BasicTensor<T>> BasicTensor<T>::max(std::int64_t dim, bool keepdim) const {
  const int d = wrap_dim(dim, rank(), "max");
  return {keep_dtype(duet::max(*this, d, keepdim), dtype()), duet::argmax(*this, d, keepdim)};
}

template <typename T>
std::tuple<BasicTensor<T>, BasicTensor<T>> BasicTensor<T>::min(std::int64_t dim, bool keepdim) const {
  const int d = wrap_dim(dim, rank(), "min");
  // min = -max(-x): the gradient reaches the first minimum, as PyTorch's min(dim).
  return {keep_dtype(duet::neg(duet::max(duet::neg(*this), d, keepdim)), dtype()), duet::argmin(*this, d, keepdim)};
}

template <typename T>
BasicTensor<T> BasicTensor<T>::argmax() const {
  return duet::argmax(*this);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::argmax(std::int64_t dim, bool keepdim) const {
  return duet::argmax(*this, wrap_dim(dim, rank(), "argmax"), keepdim);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::argmin() const {
  return duet::argmin(*this);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::argmin(std::int64_t dim, bool keepdim) const {
  return duet::argmin(*this, wrap_dim(dim, rank(), "argmin"), keepdim);
}

// ---- elementwise ----

template <typename T>
BasicTensor<T> BasicTensor<T>::pow(double exponent) const {
  return duet::pow(*this, static_cast<T>(exponent));
}
template <typename T>
BasicTensor<T> BasicTensor<T>::pow(const BasicTensor& exponent) const {
  return duet::pow(*this, exponent);
}
template <typename T>
BasicTensor<T> BasicTensor<T>::exp() const { return duet::exp(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::log() const { return duet::log(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::sqrt() const { return duet::sqrt(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::abs() const { return duet::abs(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::sin() const { return duet::sin(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::cos() const { return duet::cos(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::tanh() const { return duet::tanh(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::sigmoid() const { return duet::sigmoid(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::relu() const { return duet::relu(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::neg() const { return duet::neg(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::square() const { return duet::square(*this); }
template <typename T>
BasicTensor<T> BasicTensor<T>::clamp(double min, double max) const {
  return duet::clamp(*this, static_cast<T>(min), static_cast<T>(max));
}
template <typename T>
BasicTensor<T> BasicTensor<T>::mm(const BasicTensor& other) const {
  if (rank() != 2 || other.rank() != 2) {
    throw Error(fmt::format("mm: both tensors must be 2-D, got {} and {}", shape().str(), other.shape().str()));
  }
  return duet::matmul(*this, other);
}
template <typename T>
BasicTensor<T> BasicTensor<T>::matmul(const BasicTensor& other) const {
  return duet::matmul(*this, other);
}

// ---- shape ----

template <typename T>
BasicTensor<T> BasicTensor<T>::view(const Dims& size) const {
  std::int64_t known = 1;
  int inferred = -1;
  for (std::size_t k = 0; k < size.size(); ++k) {
    if (size[k] == -1) {
      if (inferred >= 0) throw Error(fmt::format("view: only one dimension can be inferred in {}", size.str()));
      inferred = static_cast<int>(k);
    } else if (size[k] < 0) {
      throw Error(fmt::format("view: invalid shape dimension {} in {}", size[k], size.str()));
    } else {
      known *= size[k];
    }
  }
  std::vector<std::int64_t> dims = size.values();
  if (inferred >= 0 && known != 0 && numel() % known == 0) dims[static_cast<std::size_t>(inferred)] = numel() / known;
  const bool fits = inferred >= 0 ? (known != 0 && numel() % known == 0) : known == numel();
  if (!fits) {
    // aten/src/ATen/InferSize.h: "shape '[3, 5]' is invalid for input of size 12"
    throw Error(fmt::format("view: shape '{}' is invalid for input of size {} (shape {})", size.str(), numel(),
                            shape().str()));
  }
  return duet::reshape(*this, Shape(dims.begin(), dims.end()));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::reshape(const Dims& size) const {
  return view(size);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::unsqueeze(std::int64_t dim) const {
  const int d = wrap_dim(dim, rank() + 1, "unsqueeze");
  std::vector<std::int64_t> dims(shape().begin(), shape().end());
  dims.insert(dims.begin() + d, 1);
  return duet::reshape(*this, Shape(dims.begin(), dims.end()));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::squeeze() const {
  std::vector<std::int64_t> dims;
  for (auto s : shape())
    if (s != 1) dims.push_back(s);
  return duet::reshape(*this, Shape(dims.begin(), dims.end()));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::squeeze(std::int64_t dim) const {
  if (rank() == 0) return *this;
  const int d = wrap_dim(dim, rank(), "squeeze");
  if (shape()[d] != 1) return *this;
  return duet::reshape(*this, shape().without_axis(d, false));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::flatten(std::int64_t start_dim, std::int64_t end_dim) const {
  if (rank() == 0) return duet::reshape(*this, Shape{1});
  const int s = wrap_dim(start_dim, rank(), "flatten"), e = wrap_dim(end_dim, rank(), "flatten");
  if (s > e) throw Error(fmt::format("flatten: start_dim {} comes after end_dim {}", start_dim, end_dim));
  std::vector<std::int64_t> dims;
  for (int k = 0; k < rank(); ++k) {
    if (k <= s || k > e) dims.push_back(shape()[k]);
    else dims.back() *= shape()[k];
  }
  return duet::reshape(*this, Shape(dims.begin(), dims.end()));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::t() const {
  if (rank() > 2) throw Error(fmt::format("t: expects a tensor with <= 2 dimensions, but got shape {}", shape().str()));
  return rank() < 2 ? *this : transpose(0, 1);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::transpose(std::int64_t dim0, std::int64_t dim1) const {
  std::vector<std::int64_t> order(static_cast<std::size_t>(rank()));
  std::iota(order.begin(), order.end(), 0);
  if (rank() == 0) return *this;
  std::swap(order[static_cast<std::size_t>(wrap_dim(dim0, rank(), "transpose"))],
            order[static_cast<std::size_t>(wrap_dim(dim1, rank(), "transpose"))]);
  return permute(order);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::permute(const Dims& dims) const {
  if (static_cast<int>(dims.size()) != rank()) {
    throw Error(fmt::format("permute: number of dims don't match in permute: {} for a tensor of shape {}",
                            dims.str(), shape().str()));
  }
  const StridedView in(shape());
  StridedView out = in;
  std::vector<bool> seen(dims.size(), false);
  for (std::size_t k = 0; k < dims.size(); ++k) {
    const auto d = static_cast<std::size_t>(wrap_dim(dims[k], rank(), "permute"));
    if (seen[d]) throw Error(fmt::format("permute: repeated dim in {}", dims.str()));
    seen[d] = true;
    out.sizes[k] = in.sizes[d];
    out.strides[k] = in.strides[d];
  }
  return materialize(*this, out);
}

// ---- indexing ----

template <typename T>
BasicTensor<T> BasicTensor<T>::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return index(std::vector<indexing::TensorIndex>(indices));
}

template <typename T>
BasicTensor<T> BasicTensor<T>::index(const std::vector<indexing::TensorIndex>& indices) const {
  using Kind = indexing::TensorIndex::Kind;
  std::size_t consuming = 0, ellipses = 0;
  for (const auto& i : indices) (i.kind() == Kind::ellipsis ? ellipses : consuming) += 1;
  if (ellipses > 1) throw Error("index: an index can only have a single ellipsis ('...')");
  if (consuming > static_cast<std::size_t>(rank())) {
    throw Error(fmt::format("index: too many indices for tensor of dimension {} (got {})", rank(), consuming));
  }
  StridedView v(shape());
  std::size_t dim = 0;  // the next dimension of the view that an item applies to
  for (const auto& i : indices) {
    switch (i.kind()) {
      case Kind::position: select_in(v, dim, i.position(), shape(), "index"); break;
      case Kind::slice: {
        const auto& s = i.slice();
        slice_in(v, dim, s.start(), s.stop(), s.step().value_or(1), "index");
        ++dim;
        break;
      }
      case Kind::ellipsis: dim += static_cast<std::size_t>(rank()) - consuming; break;
    }
  }
  return materialize(*this, v);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::select(std::int64_t dim, std::int64_t index) const {
  if (rank() == 0) throw Error("select: cannot be applied to a 0-dim tensor");
  StridedView v(shape());
  select_in(v, static_cast<std::size_t>(wrap_dim(dim, rank(), "select")), index, shape(), "select");
  return materialize(*this, v);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const {
  if (rank() == 0) throw Error("narrow: cannot be applied to a 0-dim tensor");
  const int d = wrap_dim(dim, rank(), "narrow");
  const std::int64_t size = shape()[d];
  if (start < -size || start > size) {
    throw Error(fmt::format("narrow: start {} is out of range for dimension {} with size {} (shape {})", start, d,
                            size, shape().str()));
  }
  const std::int64_t b = start < 0 ? start + size : start;
  if (length < 0 || b + length > size) {
    throw Error(fmt::format("narrow: start ({}) + length ({}) exceeds dimension {} of size {} (shape {})", b, length,
                            d, size, shape().str()));
  }
  return slice(d, b, b + length, 1);
}

template <typename T>
BasicTensor<T> BasicTensor<T>::slice(std::int64_t dim, std::optional<std::int64_t> start,
                                     std::optional<std::int64_t> end, std::int64_t step) const {
  if (rank() == 0) throw Error("slice: cannot be applied to a 0-dim tensor");
  StridedView v(shape());
  slice_in(v, static_cast<std::size_t>(wrap_dim(dim, rank(), "slice")), start, end, step, "slice");
  return materialize(*this, v);
}

// ---- comparisons ----

#define DUET_COMPARISON(name)                                                             \
  template <typename T>                                                                   \
  BasicTensor<T> BasicTensor<T>::name(const BasicTensor& other) const {                   \
    return compare_elements(*this, other, Comparison::name);                                       \
  }                                                                                       \
  template <typename T>                                                                   \
  BasicTensor<T> BasicTensor<T>::name(double other) const {                               \
    return compare_elements(*this, number(static_cast<T>(other), number_dtype<T>(other)), Comparison::name); \
  }
DUET_COMPARISON(eq)
DUET_COMPARISON(ne)
DUET_COMPARISON(gt)
DUET_COMPARISON(lt)
DUET_COMPARISON(ge)
DUET_COMPARISON(le)
#undef DUET_COMPARISON

template <typename T>
bool BasicTensor<T>::equal(const BasicTensor& other) const {
  return shape() == other.shape() && (data() == other.data()).all();
}

template <typename T>
bool BasicTensor<T>::allclose(const BasicTensor& other, double rtol, double atol, bool equal_nan) const {
  const detail::BroadcastPlan plan(shape(), other.shape(), "allclose");
  const auto& a = data();
  const auto& b = other.data();
  bool close = true;
  plan.for_each([&](std::int64_t, std::int64_t ia, std::int64_t ib) {
    const double x = static_cast<double>(a[ia]), y = static_cast<double>(b[ib]);
    if (std::isnan(x) || std::isnan(y)) {
      close = close && equal_nan && std::isnan(x) && std::isnan(y);
    } else if (x != y) {  // equal infinities are close; any other infinity is not
      close = close && std::isfinite(x) && std::isfinite(y) && std::abs(x - y) <= atol + rtol * std::abs(y);
    }
  });
  return close;
}

// ---- in place ----

template <typename T>
BasicTensor<T>& BasicTensor<T>::zero_() {
  return fill_(0.0);
}

template <typename T>
BasicTensor<T>& BasicTensor<T>::copy_(const BasicTensor& src) {
  return in_place(*this, src, "copy_", [](T, T b) { return b; });
}

template <typename T>
BasicTensor<T>& BasicTensor<T>::fill_(double value) {
  require_in_place<T>(*this, static_cast<const BasicTensor*>(nullptr), "fill_");
  mutable_data().setConstant(static_cast<T>(value));
  return *this;
}

template <typename T>
BasicTensor<T>& BasicTensor<T>::add_(const BasicTensor& other) {
  return in_place(*this, other, "add_", [](T a, T b) { return a + b; });
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::sub_(const BasicTensor& other) {
  return in_place(*this, other, "sub_", [](T a, T b) { return a - b; });
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::mul_(const BasicTensor& other) {
  return in_place(*this, other, "mul_", [](T a, T b) { return a * b; });
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::div_(const BasicTensor& other) {
  if (!is_floating_point()) {
    throw Error(fmt::format("div_: result type float can't be cast to the desired output type {}", dtype_name(dtype())));
  }
  return in_place(*this, other, "div_", [](T a, T b) { return a / b; });
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::add_(double other) {
  return add_(number(static_cast<T>(other), number_dtype<T>(other)));
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::sub_(double other) {
  return sub_(number(static_cast<T>(other), number_dtype<T>(other)));
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::mul_(double other) {
  return mul_(number(static_cast<T>(other), number_dtype<T>(other)));
}
template <typename T>
BasicTensor<T>& BasicTensor<T>::div_(double other) {
  return div_(number(static_cast<T>(other), number_dtype<T>(other)));
}

template class BasicTensor<float>;
template class BasicTensor<double>;

}  // namespace duet
