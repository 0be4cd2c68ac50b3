/// @file
/// Parameter-free layers: torch.nn.ReLU, Sigmoid, Tanh, Softmax, LogSoftmax, Identity, Flatten,
/// Dropout. Each `XImpl` is the module and `X` its libtorch-style holder.
#pragma once

#include <cstdint>

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

}  // namespace duet::torch::nn
