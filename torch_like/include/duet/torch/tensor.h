/// @file
/// PyTorch's tensor-level names: dtypes (torch::kFloat, kLong, kBool), TensorOptions, the
/// factories (torch::tensor, zeros, ones, full, rand, randn, randint, arange, linspace, *_like,
/// from_blob), torch::manual_seed and torch::NoGradGuard.
///
/// A torch::Tensor is duet::Tensor: float32 values with autograd, read as float32 (the
/// default), int64 or bool (see duet/core/dtype.h). float64 lives in the separate duet::Tensor64
/// type, so kFloat64 / kDouble are accepted names that the factories reject with a clear error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "duet/core/device.h"
#include "duet/core/ops.h"
#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet::torch {

using duet::Tensor;
using NoGradGuard = duet::NoGradGuard;  ///< `with torch.no_grad():`
using duet::Dims;
using IntArrayRef = duet::Dims;  ///< libtorch's name for a list of sizes

/// libtorch's c10::ScalarType, here the core's DType.
using ScalarType = duet::DType;
using Dtype = duet::DType;
inline constexpr ScalarType kFloat32 = DType::float32;
inline constexpr ScalarType kFloat = DType::float32;
inline constexpr ScalarType kFloat64 = DType::float64;  ///< a name only: see the file comment
inline constexpr ScalarType kDouble = DType::float64;
inline constexpr ScalarType kInt64 = DType::int64;
inline constexpr ScalarType kLong = DType::int64;
inline constexpr ScalarType kBool = DType::boolean;
/// libtorch's spelling of a dtype: "Float", "Double", "Long", "Bool".
const char* toString(ScalarType dtype);

/// libtorch's devices (c10::Device): code may name CUDA, but Duet computes on the CPU only, so
/// every use of a CUDA device (x.to(device), model->to(device), a factory given one) is one
/// clear error, and torch::cuda::is_available() is false.
using duet::Device;
using duet::DeviceType;
inline constexpr DeviceType kCPU = DeviceType::CPU;
inline constexpr DeviceType kCUDA = DeviceType::CUDA;

namespace cuda {
/// False: Duet has no CUDA backend (code written for libtorch then takes its CPU branch).
inline bool is_available() { return false; }
/// 0 CUDA devices.
inline std::int64_t device_count() { return 0; }
}  // namespace cuda

/// How a factory builds its tensor (c10::TensorOptions): a dtype, a device and requires_grad,
/// set by chained calls. A dtype or a device converts to options, so `torch::zeros({2},
/// torch::kLong)` and `torch::randn({2}, device)` work.
class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType dtype) : dtype_(dtype) {}  // NOLINT: implicit, as in libtorch
  TensorOptions(Device device) : device_(device) {}   // NOLINT: implicit, as in libtorch
  TensorOptions(DeviceType device) : device_(device) {}  // NOLINT: implicit, as in libtorch
  TensorOptions dtype(ScalarType dtype) const {
    TensorOptions o = *this;
    o.dtype_ = dtype;
    return o;
  }
  TensorOptions device(Device device) const {
    TensorOptions o = *this;
    o.device_ = device;
    return o;
  }
  Device device() const { return device_; }
  TensorOptions requires_grad(bool on) const {
    TensorOptions o = *this;
    o.requires_grad_ = on;
    return o;
  }
  std::optional<ScalarType> dtype() const { return dtype_; }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<ScalarType> dtype_;
  Device device_ = Device(DeviceType::CPU);
  bool requires_grad_ = false;
};
/// torch::dtype(torch::kLong) and torch::requires_grad(), the options' free-function spellings.
inline TensorOptions dtype(ScalarType dtype) { return TensorOptions().dtype(dtype); }
inline TensorOptions requires_grad(bool on = true) { return TensorOptions().requires_grad(on); }
/// torch::device(device): options on `device` (the CPU; see Device).
inline TensorOptions device(Device device) { return TensorOptions().device(device); }

/// The values of torch::tensor: a number or nested braces of any depth, `{{1.0, 2.0}, {3.0,
/// 4.0}}` (libtorch's TensorDataContainer). Whole-number literals make an int64 tensor, decimals
/// a float32 one, `true` / `false` a bool one, as in libtorch.
class TensorData {
 public:
  enum class Kind { floating, integral, boolean };
  TensorData(float value) : TensorData(static_cast<double>(value), Kind::floating) {}         // NOLINT: implicit
  TensorData(double value) : TensorData(value, Kind::floating) {}                             // NOLINT: implicit
  TensorData(int value) : TensorData(static_cast<double>(value), Kind::integral) {}           // NOLINT: implicit
  TensorData(long value) : TensorData(static_cast<double>(value), Kind::integral) {}          // NOLINT: implicit
  TensorData(long long value) : TensorData(static_cast<double>(value), Kind::integral) {}     // NOLINT: implicit
  TensorData(bool value) : TensorData(value ? 1.0 : 0.0, Kind::boolean) {}                    // NOLINT: implicit
  TensorData(std::initializer_list<TensorData> items);                                        // NOLINT: implicit
  TensorData(const std::vector<float>& values);                                               // NOLINT: implicit
  /// Read as float32: Duet's torch-style tensors have no float64 (libtorch would make kDouble).
  TensorData(const std::vector<double>& values);                                              // NOLINT: implicit
  TensorData(const std::vector<std::int64_t>& values);                                        // NOLINT: implicit
  TensorData(const std::vector<int>& values);                                                 // NOLINT: implicit
  TensorData(const std::vector<std::vector<float>>& rows);                                    // NOLINT: implicit

  const std::vector<std::int64_t>& sizes() const { return sizes_; }
  const std::vector<double>& values() const { return values_; }
  Kind kind() const { return kind_; }

 private:
  TensorData(double value, Kind kind) : values_{value}, kind_(kind) {}
  std::vector<std::int64_t> sizes_;
  std::vector<double> values_;
  Kind kind_ = Kind::floating;
};

/// torch::tensor({{1.0, 2.0}, {3.0, 4.0}}), torch::tensor({1, 2, 3}, torch::kLong),
/// torch::tensor(3.5): values copied into a new tensor of their own dtype unless `options` says.
Tensor tensor(const TensorData& data, const TensorOptions& options = {});

Tensor zeros(const Dims& size, const TensorOptions& options = {});
Tensor ones(const Dims& size, const TensorOptions& options = {});
Tensor empty(const Dims& size, const TensorOptions& options = {});  ///< zeros: Duet has no uninitialised memory
Tensor full(const Dims& size, double fill_value, const TensorOptions& options = {});
/// U[0, 1) from the default generator (torch::manual_seed), 24 random bits per value.
Tensor rand(const Dims& size, const TensorOptions& options = {});
/// N(0, 1) from the default generator. The values are Duet's Box-Muller draws, not PyTorch's.
Tensor randn(const Dims& size, const TensorOptions& options = {});
/// Whole numbers uniform in [low, high); int64 unless `options` says (libtorch since 1.13).
Tensor randint(std::int64_t high, const Dims& size, const TensorOptions& options = {});
Tensor randint(std::int64_t low, std::int64_t high, const Dims& size, const TensorOptions& options = {});
/// start, start + step, ... below end. int64 when every argument is a whole number given as an
/// integer type, float32 otherwise (libtorch infers the dtype the same way).
Tensor arange(double end, const TensorOptions& options = {});
Tensor arange(double start, double end, double step = 1, const TensorOptions& options = {});
Tensor arange(std::int64_t end, const TensorOptions& options = {});
Tensor arange(std::int64_t start, std::int64_t end, std::int64_t step = 1, const TensorOptions& options = {});
Tensor arange(int end, const TensorOptions& options = {});
Tensor arange(int start, int end, int step = 1, const TensorOptions& options = {});
/// `steps` evenly spaced values from start to end inclusive (PyTorch's two-sided formula).
Tensor linspace(double start, double end, std::int64_t steps, const TensorOptions& options = {});
/// Same shape and dtype as `other` (or `options`' dtype).
Tensor zeros_like(const Tensor& other, const TensorOptions& options = {});
Tensor ones_like(const Tensor& other, const TensorOptions& options = {});
Tensor empty_like(const Tensor& other, const TensorOptions& options = {});
Tensor full_like(const Tensor& other, double fill_value, const TensorOptions& options = {});
Tensor rand_like(const Tensor& other, const TensorOptions& options = {});
Tensor randn_like(const Tensor& other, const TensorOptions& options = {});
/// A tensor from memory laid out row-major: float for kFloat (the default), std::int64_t for
/// kLong, bool for kBool. Unlike libtorch, which wraps the memory, Duet copies it, so the
/// caller's buffer may go away afterwards.
Tensor from_blob(const void* data, const Dims& sizes, const TensorOptions& options = {});

/// The process-wide generator behind default initialisers and shuffling. As in Python's
/// PyTorch it starts from a random seed; call manual_seed for repeatable runs.
Generator& default_generator();

namespace autograd {
/// torch.autograd.set_detect_anomaly(True): backward throws at the first NaN/inf gradient,
/// naming the op, so a diverging loop stops with one message instead of training on NaN.
inline void set_detect_anomaly(bool on) { duet::set_detect_anomaly(on); }
}  // namespace autograd

/// torch.manual_seed(n)
void manual_seed(std::uint64_t seed);
/// torch.initial_seed(): the seed the default generator was last seeded with.
std::uint64_t initial_seed();

/// libtorch's torch::indexing: x.index({Slice(), 0}).
namespace indexing = duet::indexing;

}  // namespace duet::torch
