// Ops with whole-number results, never recorded: comparisons (bool), argmax / argmin (int64),
// and reading values as another dtype.
#include <fmt/format.h>

#include <cmath>

#include "axis_view.h"
#include "broadcast.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet {

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::float32: return "float32";
    case DType::float64: return "float64";
    case DType::int64: return "int64";
    case DType::boolean: return "bool";
  }
  return "unknown";
}

namespace {

template <typename T>
BasicTensor<T> tagged(const Shape& shape, typename BasicTensor<T>::Array values, DType dtype) {
  auto out = BasicTensor<T>::from_array(shape, std::move(values));
  out.impl().dtype = dtype;
  return out;
}

template <typename T>
bool holds(Comparison op, T a, T b) {
  switch (op) {
    case Comparison::eq: return a == b;
    case Comparison::ne: return a != b;
    case Comparison::gt: return a > b;
    case Comparison::lt: return a < b;
    case Comparison::ge: return a >= b;
    case Comparison::le: return a <= b;
  }
  return false;
}

// The index of the first element along `axis` that `better` prefers over all before it.
template <typename T, typename Better>
BasicTensor<T> arg_extreme(const char* op, const BasicTensor<T>& x, int axis, bool keepdim, Better better) {
  axis = x.shape().normalize_axis(axis, op);
  if (x.numel() == 0) throw Error(fmt::format("{}: the tensor of shape {} is empty", op, x.shape().str()));
  if (x.rank() == 0) return tagged<T>(Shape{}, BasicTensor<T>::Array::Zero(1), DType::int64);
  const detail::AxisView view(x.shape(), axis);
  const auto& xv = x.data();
  typename BasicTensor<T>::Array out(view.outer * view.inner);
  for (std::int64_t o = 0; o < view.outer; ++o)
    for (std::int64_t i = 0; i < view.inner; ++i) {
      std::int64_t best = 0;
      for (std::int64_t k = 1; k < view.n; ++k)
        if (better(xv[view.index(o, k, i)], xv[view.index(o, best, i)])) best = k;
      out[view.reduced(o, i)] = static_cast<T>(best);
    }
  return tagged<T>(x.shape().without_axis(axis, keepdim), std::move(out), DType::int64);
}

template <typename T>
void require_exact_int(const BasicTensor<T>& x) {
  const auto& v = x.data();
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i]) && std::abs(std::trunc(v[i])) <= static_cast<T>(kMaxExactInt)) continue;
    throw Error(fmt::format("to(int64): element {} is {:g}; Duet's int64 tensors hold whole numbers up to "
                            "2^24 = {} exactly (they are stored as floats)",
                            i, v[i], kMaxExactInt));
  }
}

}  // namespace

template <typename T>
BasicTensor<T> compare_elements(const BasicTensor<T>& a, const BasicTensor<T>& b, Comparison op) {
  const detail::BroadcastPlan plan(a.shape(), b.shape(), "compare");
  typename BasicTensor<T>::Array out(plan.out.numel());
  const auto& av = a.data();
  const auto& bv = b.data();
  plan.for_each([&](std::int64_t o, std::int64_t ia, std::int64_t ib) { out[o] = holds(op, av[ia], bv[ib]) ? T(1) : T(0); });
  return tagged<T>(plan.out, std::move(out), DType::boolean);
}

template <typename T>
BasicTensor<T> argmax(const BasicTensor<T>& x) {
  return argmax(reshape(x, Shape{x.numel()}), 0, false);
}

template <typename T>
BasicTensor<T> argmax(const BasicTensor<T>& x, int axis, bool keepdim) {
  return arg_extreme("argmax", x, axis, keepdim, [](T a, T b) { return a > b; });
}

template <typename T>
BasicTensor<T> argmin(const BasicTensor<T>& x) {
  return argmin(reshape(x, Shape{x.numel()}), 0, false);
}

template <typename T>
BasicTensor<T> argmin(const BasicTensor<T>& x, int axis, bool keepdim) {
  return arg_extreme("argmin", x, axis, keepdim, [](T a, T b) { return a < b; });
}

template <typename T>
BasicTensor<T> to_dtype(const BasicTensor<T>& x, DType dtype) {
  if (dtype == x.dtype()) return x;
  const DType native = std::is_same_v<T, double> ? DType::float64 : DType::float32;
  if (is_floating(dtype) && dtype != native) {
    throw Error(fmt::format("to({}): this tensor computes in {}; Duet keeps float32 (Tensor) and float64 "
                            "(Tensor64) as separate C++ types",
                            dtype_name(dtype), dtype_name(native)));
  }
  switch (dtype) {
    case DType::int64: {
      require_exact_int(x);
      return tagged<T>(x.shape(), x.data().unaryExpr([](T v) { return std::trunc(v); }), DType::int64);
    }
    case DType::boolean:
      return tagged<T>(x.shape(), x.data().unaryExpr([](T v) { return v != T(0) ? T(1) : T(0); }), DType::boolean);
    default:  // int64 / bool read as the native float type: the same values, now a float tensor
      return tagged<T>(x.shape(), x.data(), native);
  }
}

#define DUET_INSTANTIATE(T)                                                                      \
  template BasicTensor<T> compare_elements(const BasicTensor<T>&, const BasicTensor<T>&, Comparison);     \
  template BasicTensor<T> argmax(const BasicTensor<T>&);                                         \
  template BasicTensor<T> argmax(const BasicTensor<T>&, int, bool);                              \
  template BasicTensor<T> argmin(const BasicTensor<T>&);                                         \
  template BasicTensor<T> argmin(const BasicTensor<T>&, int, bool);                              \
  template BasicTensor<T> to_dtype(const BasicTensor<T>&, DType);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
