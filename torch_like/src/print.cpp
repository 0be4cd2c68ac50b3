// PyTorch's tensor repr (torch/_tensor_str.py), for float32 / int64 / bool tensors and float64.
#include "duet/torch/print.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "duet/torch/tensor.h"

namespace duet {

namespace {

constexpr int kPrecision = 4;            // PRINT_OPTS.precision
constexpr std::int64_t kThreshold = 1000;  // PRINT_OPTS.threshold: summarize above this many elements
constexpr std::int64_t kEdgeItems = 3;   // PRINT_OPTS.edgeitems
constexpr std::int64_t kLineWidth = 80;  // PRINT_OPTS.linewidth

// _Formatter: one number format and width for every element.
class Formatter {
 public:
  Formatter(const std::vector<double>& values, DType dtype) : dtype_(dtype) {
    if (!is_floating(dtype)) {
      for (double v : values) width_ = std::max(width_, raw(v).size());
      return;
    }
    double lo = INFINITY, hi = 0;
    std::vector<double> finite;
    for (double v : values) {
      if (std::isfinite(v) && v != 0) {
        finite.push_back(v);
        lo = std::min(lo, std::abs(v));
        hi = std::max(hi, std::abs(v));
      }
    }
    if (finite.empty()) return;
    int_mode_ = std::all_of(finite.begin(), finite.end(), [](double v) { return std::ceil(v) == v; });
    sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (double v : finite) width_ = std::max(width_, raw(v).size() + (int_mode_ && !sci_mode_ ? 1 : 0));
  }

  std::size_t width() const { return width_; }

  std::string format(double v) const {
    std::string s = raw(v);
    if (is_floating(dtype_) && int_mode_ && !sci_mode_ && std::isfinite(v)) s.append(".");
    std::string padded(width_ > s.size() ? width_ - s.size() : 0, ' ');
    padded.append(s);
    return padded;
  }

 private:
  std::string raw(double v) const {
    if (dtype_ == DType::boolean) return v != 0 ? "True" : "False";
    if (dtype_ == DType::int64) return fmt::format("{}", static_cast<std::int64_t>(v));
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (sci_mode_) return fmt::format("{:.{}e}", v, kPrecision);
    if (int_mode_) return fmt::format("{:.0f}", v);
    return fmt::format("{:.{}f}", v, kPrecision);
  }

  DType dtype_;
  bool int_mode_ = true, sci_mode_ = false;
  std::size_t width_ = 1;
};

struct Printer {
  const std::vector<double>& values;
  const std::vector<std::int64_t>& dims;
  const Formatter& formatter;
  bool summarize;

  // The block of dims[depth..] starting at flat position `offset`, `indent` columns in.
  std::string block(std::size_t depth, std::int64_t offset, std::size_t indent) const {
    const std::int64_t n = dims[depth];
    std::int64_t stride = 1;
    for (std::size_t k = depth + 1; k < dims.size(); ++k) stride *= dims[k];
    const bool elide = summarize && n > 2 * kEdgeItems;
    std::vector<std::string> parts;
    for (std::int64_t i = 0; i < n; ++i) {
      if (elide && i == kEdgeItems) {
        parts.push_back(depth + 1 == dims.size() ? " ..." : "...");
        i = n - kEdgeItems - 1;
        continue;
      }
      parts.push_back(depth + 1 == dims.size() ? formatter.format(values[static_cast<std::size_t>(offset + i)])
                                               : block(depth + 1, offset + i * stride, indent + 1));
    }
    if (depth + 1 == dims.size()) {  // _vector_str: wrap at the line width
      const auto per_line = std::max<std::int64_t>(
          1, (kLineWidth - static_cast<std::int64_t>(indent)) / static_cast<std::int64_t>(formatter.width() + 2));
      std::string s = "[";
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0 && i % static_cast<std::size_t>(per_line) == 0) {
          s.append(",\n").append(indent + 1, ' ');
        } else if (i > 0) {
          s.append(", ");
        }
        s.append(parts[i]);
      }
      s.append("]");
      return s;
    }
    std::string sep(",");
    sep.append(dims.size() - depth - 1, '\n').append(indent + 1, ' ');
    std::string s = "[";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) s.append(sep);
      s.append(parts[i]);
    }
    s.append("]");
    return s;
  }
};

// The values a summarized print shows (get_summarized_data): the first and last kEdgeItems
// along every dim; the format is chosen from these alone, as PyTorch does.
void collect_shown(const std::vector<double>& values, const std::vector<std::int64_t>& dims, std::size_t depth,
                   std::int64_t offset, std::vector<double>& out) {
  const std::int64_t n = dims[depth];
  std::int64_t stride = 1;
  for (std::size_t k = depth + 1; k < dims.size(); ++k) stride *= dims[k];
  for (std::int64_t i = 0; i < n; ++i) {
    if (n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
    if (depth + 1 == dims.size()) out.push_back(values[static_cast<std::size_t>(offset + i)]);
    else collect_shown(values, dims, depth + 1, offset + i * stride, out);
  }
}

// "mul" -> "MulBackward0", "add_scalar" -> "AddBackward0" (PyTorch names x + 1 and x + y
// alike), "log_softmax" -> "LogSoftmaxBackward0": PyTorch's node naming for Duet's op names.
std::string backward_name(std::string op) {
  if (op.ends_with("_scalar")) op.resize(op.size() - 7);
  std::string out;
  bool upper = true;
  for (const char* c = op.c_str(); *c; ++c) {
    if (*c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(*c))) : *c;
    upper = false;
  }
  return out + "Backward0";
}

template <typename T>
std::string tensor_repr(const BasicTensor<T>& t) {
  if (!t.defined()) return "[ Tensor (undefined) ]";
  const std::vector<double> values(t.data().begin(), t.data().end());
  const std::vector<std::int64_t> dims(t.shape().begin(), t.shape().end());
  const bool summarize = t.numel() > kThreshold;
  std::vector<double> shown;
  if (summarize) collect_shown(values, dims, 0, 0, shown);
  const Formatter formatter(summarize ? shown : values, t.dtype());
  std::string body;
  if (t.numel() == 0) {
    body = "[]";
  } else if (dims.empty()) {
    body = formatter.format(values.front());
  } else {
    body = Printer{values, dims, formatter, summarize}.block(0, 0, 7);
  }
  std::vector<std::string> suffixes;
  if (t.numel() == 0 && !(dims.size() == 1)) {
    std::string size = "size=(";
    for (std::size_t k = 0; k < dims.size(); ++k) size.append(k ? ", " : "").append(std::to_string(dims[k]));
    size.append(")");
    suffixes.push_back(size);
  }
  // The default dtypes (float32, and int64 / bool, which their values show) are not named.
  if (t.dtype() == DType::float64 || (t.numel() == 0 && t.dtype() != DType::float32)) {
    suffixes.push_back(fmt::format("dtype=torch.{}", dtype_name(t.dtype())));
  }
  if (t.requires_grad()) {
    suffixes.push_back(t.is_leaf() ? std::string("requires_grad=True")
                                   : fmt::format("grad_fn=<{}>", backward_name(t.impl().grad_fn->op)));
  }
  std::string s = "tensor(";
  s.append(body);
  for (const auto& suffix : suffixes) s.append(", ").append(suffix);
  s.append(")");
  return s;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Shape& shape) { return os << shape.str(); }
std::ostream& operator<<(std::ostream& os, const Tensor& tensor) { return os << torch::repr(tensor); }
std::ostream& operator<<(std::ostream& os, const Tensor64& tensor) { return os << torch::repr(tensor); }
std::ostream& operator<<(std::ostream& os, DType dtype) { return os << torch::toString(dtype); }

namespace torch {
std::string repr(const Tensor& tensor) { return tensor_repr(tensor); }
std::string repr(const Tensor64& tensor) { return tensor_repr(tensor); }
}  // namespace torch

}  // namespace duet
