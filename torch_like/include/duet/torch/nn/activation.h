/// @file
/// Parameter-free layers: torch.nn.ReLU, Sigmoid, Tanh, ELU, SELU, GELU, LeakyReLU, Softplus,
/// SiLU, Hardsigmoid, Softmax, LogSoftmax, Identity, Flatten, Dropout. Each `XImpl` is the module
/// and `X` its libtorch-style holder; options carry PyTorch's defaults
/// (torch/nn/modules/activation.py).
#pragma once

#include <cstdint>
#include <string>

#include "duet/torch/arg.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

class ReLUImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "ReLU"; }
};
TORCH_MODULE(ReLU);

class SigmoidImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Sigmoid"; }
};
TORCH_MODULE(Sigmoid);

class TanhImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Tanh"; }
};
TORCH_MODULE(Tanh);

/// ELUOptions().alpha(0.5)
struct ELUOptions {
  /// the value the negative branch tends to: alpha (e^x - 1)
  DUET_TORCH_ARG(double, alpha) = 1.0;
};

/// x for x > 0, alpha (e^x - 1) otherwise.
class ELUImpl : public Module {
 public:
  explicit ELUImpl(const ELUOptions& opts = {}) : options(opts) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "ELU"; }
  std::string extra_repr() const override;
  ELUOptions options;
};
TORCH_MODULE(ELU);

/// scale * elu(x, alpha) with SELU's fixed constants.
class SELUImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "SELU"; }
};
TORCH_MODULE(SELU);

/// GELUOptions().approximate("tanh")
struct GELUOptions {
  /// "none" (exact, x Phi(x)) or "tanh" (the tanh approximation)
  DUET_TORCH_ARG(std::string, approximate) = "none";
};

class GELUImpl : public Module {
 public:
  explicit GELUImpl(const GELUOptions& opts = {});
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "GELU"; }
  std::string extra_repr() const override { return "approximate='" + options.approximate() + "'"; }
  GELUOptions options;
};
TORCH_MODULE(GELU);

/// LeakyReLUOptions().negative_slope(0.2)
struct LeakyReLUOptions {
  /// the slope for x <= 0; PyTorch's default 0.01 (Keras: 0.2 for the function, 0.3 for the layer)
  DUET_TORCH_ARG(double, negative_slope) = 1e-2;
};

class LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(const LeakyReLUOptions& opts = {}) : options(opts) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "LeakyReLU"; }
  std::string extra_repr() const override;
  LeakyReLUOptions options;
};
TORCH_MODULE(LeakyReLU);

/// SoftplusOptions().beta(2).threshold(10)
struct SoftplusOptions {
  /// log(1 + e^(beta x)) / beta
  DUET_TORCH_ARG(double, beta) = 1.0;
  /// above beta x > threshold the output is x itself
  DUET_TORCH_ARG(double, threshold) = 20.0;
};

class SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(const SoftplusOptions& opts = {});
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Softplus"; }
  std::string extra_repr() const override;
  SoftplusOptions options;
};
TORCH_MODULE(Softplus);

/// x sigmoid(x) (Keras: silu / swish).
class SiLUImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "SiLU"; }
};
TORCH_MODULE(SiLU);

/// relu6(x + 3) / 6: 0 at x <= -3, 1 at x >= 3 (as Keras 3's hard_sigmoid; not tfjs' 0.2 x + 0.5).
class HardsigmoidImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Hardsigmoid"; }
};
TORCH_MODULE(Hardsigmoid);

/// SoftmaxOptions(1); a dim converts to it, so `Softmax(1)` works.
struct SoftmaxOptions {
  SoftmaxOptions(std::int64_t dim) : dim_(dim) {}  // NOLINT: implicit, as in libtorch
  /// the dimension the values sum to 1 along
  DUET_TORCH_ARG(std::int64_t, dim);
};
using LogSoftmaxOptions = SoftmaxOptions;

class SoftmaxImpl : public Module {
 public:
  explicit SoftmaxImpl(const SoftmaxOptions& opts) : options(opts) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Softmax"; }
  std::string extra_repr() const override { return "dim=" + std::to_string(options.dim()); }
  SoftmaxOptions options;
};
TORCH_MODULE(Softmax);

class LogSoftmaxImpl : public Module {
 public:
  explicit LogSoftmaxImpl(const LogSoftmaxOptions& opts) : options(opts) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "LogSoftmax"; }
  std::string extra_repr() const override { return "dim=" + std::to_string(options.dim()); }
  LogSoftmaxOptions options;
};
TORCH_MODULE(LogSoftmax);

class IdentityImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override { return input; }
  std::string type_name() const override { return "Identity"; }
};
TORCH_MODULE(Identity);

/// FlattenOptions().start_dim(0).end_dim(1)
struct FlattenOptions {
  /// first dim to flatten
  DUET_TORCH_ARG(std::int64_t, start_dim) = 1;
  /// last dim to flatten
  DUET_TORCH_ARG(std::int64_t, end_dim) = -1;
};

/// Flattens dims start_dim..end_dim into one (by default every axis after the batch axis).
class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(const FlattenOptions& opts = {}) : options(opts) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Flatten"; }
  std::string extra_repr() const override;
  FlattenOptions options;
};
TORCH_MODULE(Flatten);

/// DropoutOptions(0.2); a probability converts to it, so `Dropout(0.2)` works.
struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT: implicit, as in libtorch
  /// probability of an element to be zeroed
  DUET_TORCH_ARG(double, p);
};

/// Zeroes each element with probability p in training mode and scales the rest by 1 / (1 - p);
/// the identity in eval mode. Masks come from the default generator (torch::manual_seed).
class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(const DropoutOptions& opts = {});
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;
  DropoutOptions options;
};
TORCH_MODULE(Dropout);

/// Dropout2d's options: the probability p of zeroing a channel (libtorch's Dropout2dOptions).
using Dropout2dOptions = DropoutOptions;

/// torch.nn.Dropout2d: in training mode zeroes whole channels of [N, C, H, W] (or of an
/// unbatched [C, H, W]) with probability p and scales the rest by 1 / (1 - p); the identity in
/// eval mode. One draw per (sample, channel) from the default generator (torch::manual_seed).
class Dropout2dImpl : public Module {
 public:
  explicit Dropout2dImpl(const Dropout2dOptions& opts = {});
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Dropout2d"; }
  std::string extra_repr() const override;
  Dropout2dOptions options;
};
TORCH_MODULE(Dropout2d);

}  // namespace duet::torch::nn
