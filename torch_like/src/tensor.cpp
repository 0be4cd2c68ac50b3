#include "duet/torch/tensor.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "duet/core/error.h"

namespace duet::torch {

namespace {
std::string sizes_str(const std::vector<std::int64_t>& sizes) { return Dims(sizes).str(); }

// A new leaf of `dtype` holding `values`; the one place a factory's dtype and requires_grad land.
Tensor make(const Shape& shape, Tensor::Array values, DType dtype, bool requires_grad, const char* op) {
  if (dtype == DType::float64) {
    throw Error(fmt::format("{}: dtype torch::kFloat64 is not available for torch::Tensor, which holds float32 "
                            "(and int64 / bool); Duet's float64 tensor is the separate type duet::Tensor64",
                            op));
  }
  Tensor out = Tensor::from_array(shape, std::move(values));
  if (dtype != DType::float32) out = out.to(dtype);  // checks that int64 values are exact
  if (requires_grad) out.set_requires_grad(true);
  return out;
}

// The dtype a factory makes; every factory passes through here, so a CUDA device is refused once.
DType resolve(const TensorOptions& options, DType inferred) {
  require_cpu(options.device(), "tensor factory");
  return options.dtype().value_or(inferred);
}

Shape shape_of(const Dims& size, const char* op) {
  for (auto d : size.values())
    if (d < 0) throw Error(fmt::format("{}: negative dimension {} in size {}", op, d, size.str()));
  return Shape(size.values().begin(), size.values().end());
}

template <typename Draw>
Tensor drawn(const Dims& size, const TensorOptions& options, const char* op, Draw draw) {
  const Shape shape = shape_of(size, op);
  const DType dt = resolve(options, DType::float32);
  if (!is_floating(dt)) {
    throw Error(fmt::format("{}: only returns floating point tensors, got dtype {} (did you mean torch::randint?)",
                            op, dtype_name(dt)));
  }
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = draw(default_generator());
  return make(shape, std::move(v), dt, options.requires_grad(), op);
}
}  // namespace

const char* toString(ScalarType dtype) {
  switch (dtype) {
    case DType::float32: return "Float";
    case DType::float64: return "Double";
    case DType::int64: return "Long";
    case DType::boolean: return "Bool";
  }
  return "Unknown";
}

// ---- TensorData ----

TensorData::TensorData(std::initializer_list<TensorData> items) {
  sizes_.push_back(static_cast<std::int64_t>(items.size()));
  bool any_float = false, all_bool = items.size() > 0;
  std::size_t i = 0;
  for (const auto& item : items) {
    if (i > 0 && item.sizes_ != items.begin()->sizes_) {
      throw Error(fmt::format("tensor: expected all sub-lists to have sizes {}, but sub-list {} has sizes {}",
                              sizes_str(items.begin()->sizes_), i, sizes_str(item.sizes_)));
    }
    any_float = any_float || item.kind_ == Kind::floating;
    all_bool = all_bool && item.kind_ == Kind::boolean;
    values_.insert(values_.end(), item.values_.begin(), item.values_.end());
    ++i;
  }
  if (items.size() > 0) sizes_.insert(sizes_.end(), items.begin()->sizes_.begin(), items.begin()->sizes_.end());
  kind_ = any_float || items.size() == 0 ? Kind::floating : all_bool ? Kind::boolean : Kind::integral;
}

TensorData::TensorData(const std::vector<float>& values)
    : sizes_{static_cast<std::int64_t>(values.size())}, values_(values.begin(), values.end()) {}
TensorData::TensorData(const std::vector<double>& values)
    : sizes_{static_cast<std::int64_t>(values.size())}, values_(values) {}
TensorData::TensorData(const std::vector<std::int64_t>& values)
    : sizes_{static_cast<std::int64_t>(values.size())}, kind_(Kind::integral) {
  for (auto v : values) values_.push_back(static_cast<double>(v));
}
TensorData::TensorData(const std::vector<int>& values)
    : sizes_{static_cast<std::int64_t>(values.size())}, values_(values.begin(), values.end()), kind_(Kind::integral) {}
TensorData::TensorData(const std::vector<std::vector<float>>& rows) {
  const Tensor t = Tensor::from_rows(rows);  // checks that the rows are equally long
  sizes_ = {t.shape()[0], t.shape()[1]};
  values_.assign(t.data().begin(), t.data().end());
}

// ---- factories ----

Tensor tensor(const TensorData& data, const TensorOptions& options) {
  const DType inferred = data.kind() == TensorData::Kind::floating   ? DType::float32
                         : data.kind() == TensorData::Kind::integral ? DType::int64
                                                                     : DType::boolean;
  Tensor::Array v(static_cast<Eigen::Index>(data.values().size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = static_cast<float>(data.values()[static_cast<std::size_t>(i)]);
  return make(Shape(data.sizes().begin(), data.sizes().end()), std::move(v), resolve(options, inferred),
              options.requires_grad(), "tensor");
}

Tensor full(const Dims& size, double fill_value, const TensorOptions& options) {
  const Shape shape = shape_of(size, "full");
  return make(shape, Tensor::Array::Constant(shape.numel(), static_cast<float>(fill_value)),
              resolve(options, DType::float32), options.requires_grad(), "full");
}
Tensor zeros(const Dims& size, const TensorOptions& options) { return full(size, 0.0, options); }
Tensor ones(const Dims& size, const TensorOptions& options) { return full(size, 1.0, options); }
Tensor empty(const Dims& size, const TensorOptions& options) { return full(size, 0.0, options); }

Tensor rand(const Dims& size, const TensorOptions& options) {
  return drawn(size, options, "rand", [](Generator& g) { return g.uniform(0.0f, 1.0f); });
}

Tensor randn(const Dims& size, const TensorOptions& options) {
  return drawn(size, options, "randn", [](Generator& g) { return static_cast<float>(g.normal()); });
}

Tensor randint(std::int64_t high, const Dims& size, const TensorOptions& options) {
  return randint(0, high, size, options);
}

Tensor randint(std::int64_t low, std::int64_t high, const Dims& size, const TensorOptions& options) {
  if (low >= high) {
    throw Error(fmt::format("randint: expects 'from' to be less than 'to', but got from={} >= to={}", low, high));
  }
  const Shape shape = shape_of(size, "randint");
  const auto range = static_cast<std::uint64_t>(high - low);
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(low + static_cast<std::int64_t>(default_generator().next_u32() % range));
  return make(shape, std::move(v), resolve(options, DType::int64), options.requires_grad(), "randint");
}

namespace {
Tensor arange_as(double start, double end, double step, DType inferred, const TensorOptions& options) {
  if (step == 0) throw Error("arange: step must be nonzero");
  if ((step > 0 && start > end) || (step < 0 && start < end)) {
    throw Error(fmt::format("arange: upper bound and larger bound inconsistent with step sign (start {}, end {}, step {})",
                            start, end, step));
  }
  const auto n = static_cast<std::int64_t>(std::ceil((end - start) / step));
  Tensor::Array v(n);
  for (std::int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(start + static_cast<double>(i) * step);
  return make(Shape{n}, std::move(v), resolve(options, inferred), options.requires_grad(), "arange");
}
}  // namespace

Tensor arange(double end, const TensorOptions& options) { return arange_as(0, end, 1, DType::float32, options); }
Tensor arange(double start, double end, double step, const TensorOptions& options) {
  return arange_as(start, end, step, DType::float32, options);
}
Tensor arange(std::int64_t end, const TensorOptions& options) {
  return arange_as(0, static_cast<double>(end), 1, DType::int64, options);
}
Tensor arange(std::int64_t start, std::int64_t end, std::int64_t step, const TensorOptions& options) {
  return arange_as(static_cast<double>(start), static_cast<double>(end), static_cast<double>(step), DType::int64,
                   options);
}
Tensor arange(int end, const TensorOptions& options) { return arange(std::int64_t{end}, options); }
Tensor arange(int start, int end, int step, const TensorOptions& options) {
  return arange(std::int64_t{start}, std::int64_t{end}, std::int64_t{step}, options);
}

Tensor linspace(double start, double end, std::int64_t steps, const TensorOptions& options) {
  if (steps < 0) throw Error(fmt::format("linspace: number of steps must be non-negative, got {}", steps));
  Tensor::Array v(steps);
  // aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp: the first half counts up from start, the
  // second half down from end, so both ends are exact.
  const double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
  const std::int64_t half = steps / 2;
  for (std::int64_t i = 0; i < steps; ++i)
    v[i] = static_cast<float>(i < half ? start + step * static_cast<double>(i)
                                       : end - step * static_cast<double>(steps - 1 - i));
  return make(Shape{steps}, std::move(v), resolve(options, DType::float32), options.requires_grad(), "linspace");
}

Tensor full_like(const Tensor& other, double fill_value, const TensorOptions& options) {
  return full(other.shape(), fill_value, TensorOptions(resolve(options, other.dtype())).requires_grad(options.requires_grad()));
}
Tensor zeros_like(const Tensor& other, const TensorOptions& options) { return full_like(other, 0.0, options); }
Tensor ones_like(const Tensor& other, const TensorOptions& options) { return full_like(other, 1.0, options); }
Tensor empty_like(const Tensor& other, const TensorOptions& options) { return full_like(other, 0.0, options); }
Tensor rand_like(const Tensor& other, const TensorOptions& options) {
  return rand(other.shape(), TensorOptions(resolve(options, other.dtype())).requires_grad(options.requires_grad()));
}
Tensor randn_like(const Tensor& other, const TensorOptions& options) {
  return randn(other.shape(), TensorOptions(resolve(options, other.dtype())).requires_grad(options.requires_grad()));
}

Tensor from_blob(const void* data, const Dims& sizes, const TensorOptions& options) {
  const Shape shape = shape_of(sizes, "from_blob");
  const DType dt = resolve(options, DType::float32);
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    switch (dt) {
      case DType::float32: v[i] = static_cast<const float*>(data)[i]; break;
      case DType::int64: v[i] = static_cast<float>(static_cast<const std::int64_t*>(data)[i]); break;
      case DType::boolean: v[i] = static_cast<const bool*>(data)[i] ? 1.0f : 0.0f; break;
      case DType::float64: break;  // rejected by make()
    }
  }
  return make(shape, std::move(v), dt, options.requires_grad(), "from_blob");
}

// The core's process-wide generator, so that x.uniform_() and torch::rand draw from one stream
// that torch::manual_seed seeds, as in PyTorch.
Generator& default_generator() { return duet::default_generator(); }

void manual_seed(std::uint64_t seed) { seed_default_generator(seed); }

std::uint64_t initial_seed() { return default_generator_seed(); }

}  // namespace duet::torch
