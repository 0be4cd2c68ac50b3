// Sequence ops: embedding lookup with a scatter-add backward, per-step views of [N, T, F] and
// gate column blocks. Each moves values only, so its backward adds gradients back in place.
#include "duet/core/sequence.h"

#include <fmt/format.h>

#include <cmath>

#include "../autograd.h"
#include "duet/core/error.h"

namespace duet {

using detail::grad_sink;
using detail::make_result;

namespace {
template <typename T>
std::vector<std::int64_t> indices_of(const BasicTensor<T>& ids, std::int64_t rows, const char* what) {
  if (ids.rank() != 1 && ids.rank() != 2) {
    throw Error(fmt::format("{}: token ids must be [batch] or [batch, steps], got shape {}", what, ids.shape().str()));
  }
  const std::int64_t steps = ids.rank() == 2 ? ids.shape()[1] : 1;
  std::vector<std::int64_t> index(static_cast<std::size_t>(ids.numel()));
  for (std::int64_t i = 0; i < ids.numel(); ++i) {
    const double v = static_cast<double>(ids.data()[i]);
    const std::int64_t row = i / steps, step = i % steps;
    const char* wrong = !std::isfinite(v) || v != std::floor(v) ? "is not a whole number"
                        : v < 0                                  ? "is negative"
                        : v >= static_cast<double>(rows)         ? "is not below the table size"
                                                                 : nullptr;
    if (wrong) {
      throw Error(fmt::format("{}: token id {:g} at row {}, step {} {} (ids must be whole numbers in [0, {}))", what,
                              v, row, step, wrong, rows));
    }
    index[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(v);
  }
  return index;
}

template <typename T>
void require_sequence(const BasicTensor<T>& x, const char* op) {
  if (x.rank() != 3) {
    throw Error(fmt::format("{}: need a batch-first sequence [N, T, F], got shape {}", op, x.shape().str()));
  }
}
}  // namespace

std::vector<std::int64_t> token_indices(const Tensor& ids, std::int64_t rows, const char* what) {
  return indices_of(ids, rows, what);
}
std::vector<std::int64_t> token_indices(const Tensor64& ids, std::int64_t rows, const char* what) {
  return indices_of(ids, rows, what);
}

template <typename T>
BasicTensor<T> embedding_lookup(const BasicTensor<T>& table, const std::vector<std::int64_t>& index,
                                const Shape& index_shape, std::optional<std::int64_t> frozen_row) {
  // table: [V, D], index_shape: [N, T] or [N] -> [N, T, D] or [N, D]
  if (table.rank() != 2) {
    throw Error(fmt::format("embedding: the table must be [rows, dim], got shape {}", table.shape().str()));
  }
  if (static_cast<std::int64_t>(index.size()) != index_shape.numel()) {
    throw Error(fmt::format("embedding: {} indices for index shape {}", index.size(), index_shape.str()));
  }
  const std::int64_t rows = table.shape()[0], dim = table.shape()[1];
  typename BasicTensor<T>::Array out(static_cast<Eigen::Index>(index.size()) * dim);
  for (std::size_t r = 0; r < index.size(); ++r) {
    if (index[r] < 0 || index[r] >= rows) {
      throw Error(fmt::format("embedding: index {} at position {} is outside the {} rows of the table", index[r], r,
                              rows));
    }
    out.segment(static_cast<Eigen::Index>(r) * dim, dim) = table.data().segment(index[r] * dim, dim);
  }
  Shape out_shape = index_shape;
  out_shape.push_back(dim);
  const std::int64_t skip = frozen_row.value_or(-1);
  return make_result<T>("embedding", out_shape, std::move(out), {&table},
                        [index, dim, skip](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::size_t r = 0; r < index.size(); ++r) {
                            if (index[r] == skip) continue;  // PyTorch's padding_idx: no gradient
                            s.segment(index[r] * dim, dim) += g.segment(static_cast<Eigen::Index>(r) * dim, dim);
                          }
                        });
}

template <typename T>
BasicTensor<T> time_step(const BasicTensor<T>& x, std::int64_t t) {
  // x: [N, T, F] -> [N, F]
  require_sequence(x, "time_step");
  const std::int64_t n = x.shape()[0], steps = x.shape()[1], f = x.shape()[2];
  if (t < 0 || t >= steps) throw Error(fmt::format("time_step: step {} is outside the {} steps of {}", t, steps, x.shape().str()));
  typename BasicTensor<T>::Array out(n * f);
  for (std::int64_t i = 0; i < n; ++i) out.segment(i * f, f) = x.data().segment((i * steps + t) * f, f);
  return make_result<T>("time_step", Shape{n, f}, std::move(out), {&x},
                        [n, steps, f, t](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          auto& s = grad_sink(node, 0);
                          for (std::int64_t i = 0; i < n; ++i) s.segment((i * steps + t) * f, f) += g.segment(i * f, f);
                        });
}

template <typename T>
BasicTensor<T> stack_steps(const std::vector<BasicTensor<T>>& steps) {
  // T x [N, F] -> [N, T, F]
  if (steps.empty()) throw Error("stack_steps: no steps to stack");
  const Shape first = steps.front().shape();
  if (first.rank() != 2) throw Error(fmt::format("stack_steps: each step must be [N, F], got {}", first.str()));
  for (std::size_t t = 1; t < steps.size(); ++t) {
    if (steps[t].shape() != first) {
      throw Error(fmt::format("stack_steps: step {} has shape {}, step 0 {}", t, steps[t].shape().str(), first.str()));
    }
  }
  const std::int64_t n = first[0], f = first[1], count = static_cast<std::int64_t>(steps.size());
  typename BasicTensor<T>::Array out(n * count * f);
  for (std::int64_t t = 0; t < count; ++t)
    for (std::int64_t i = 0; i < n; ++i)
      out.segment((i * count + t) * f, f) = steps[static_cast<std::size_t>(t)].data().segment(i * f, f);
  auto result = BasicTensor<T>::from_array(Shape{n, count, f}, std::move(out));
  bool any = false;
  for (const auto& s : steps) any = any || s.requires_grad();
  if (grad_enabled() && any) {
    std::vector<std::shared_ptr<TensorImpl<T>>> impls;
    for (const auto& s : steps) impls.push_back(s.impl_ptr());
    result.impl().grad_fn = detail::make_node<T>(
        "stack_steps", std::move(impls), [n, count, f](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
          for (std::int64_t t = 0; t < count; ++t) {
            if (!detail::wants_grad(node, static_cast<std::size_t>(t))) continue;
            auto& s = grad_sink(node, static_cast<std::size_t>(t));
            for (std::int64_t i = 0; i < n; ++i) s.segment(i * f, f) += g.segment((i * count + t) * f, f);
          }
        });
    result.impl().requires_grad = true;
  }
  return result;
}

template <typename T>
BasicTensor<T> columns(const BasicTensor<T>& x, std::int64_t begin, std::int64_t end) {
  // x: [N, C] -> [N, end - begin]
  if (x.rank() != 2 || begin < 0 || end < begin || end > x.shape()[1]) {
    throw Error(fmt::format("columns: [{}, {}) of shape {} (need a 2-D tensor and columns inside it)", begin, end,
                            x.shape().str()));
  }
  const std::int64_t n = x.shape()[0], c = x.shape()[1], w = end - begin;
  using RM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  typename BasicTensor<T>::Array out(n * w);
  Eigen::Map<RM>(out.data(), n, w) = Eigen::Map<const RM>(x.data().data(), n, c).middleCols(begin, w);
  return make_result<T>("columns", Shape{n, w}, std::move(out), {&x},
                        [n, c, w, begin](GradNode<T>& node, const TensorImpl<T>&, const auto& g) {
                          Eigen::Map<RM>(grad_sink(node, 0).data(), n, c).middleCols(begin, w) +=
                              Eigen::Map<const RM>(g.data(), n, w);
                        });
}

#define DUET_INSTANTIATE(T)                                                                                      \
  template BasicTensor<T> embedding_lookup(const BasicTensor<T>&, const std::vector<std::int64_t>&, const Shape&, \
                                           std::optional<std::int64_t>);                                         \
  template BasicTensor<T> time_step(const BasicTensor<T>&, std::int64_t);                                        \
  template BasicTensor<T> stack_steps(const std::vector<BasicTensor<T>>&);                                       \
  template BasicTensor<T> columns(const BasicTensor<T>&, std::int64_t, std::int64_t);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet
