/// @file
/// torch.nn.Linear: y = x W^T + b with weight [out_features, in_features]. `Linear` is the
/// libtorch-style holder (`fc->weight`, `fc(x)`), `LinearImpl` the module itself.
#pragma once

#include <cstdint>

#include "duet/core/random.h"
#include "duet/torch/arg.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// LinearOptions(5, 2).bias(false)
struct LinearOptions {
  LinearOptions(std::int64_t in_features, std::int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}
  /// size of each input sample
  DUET_TORCH_ARG(std::int64_t, in_features);
  /// size of each output sample
  DUET_TORCH_ARG(std::int64_t, out_features);
  /// whether to learn an additive bias
  DUET_TORCH_ARG(bool, bias) = true;
};

class LinearImpl : public Module {
 public:
  /// Initialised like PyTorch's reset_parameters(): weight kaiming_uniform(a = sqrt(5)) on
  /// fan_in, i.e. U(-1/sqrt(in), 1/sqrt(in)), then bias U(-1/sqrt(in), 1/sqrt(in)), drawn in
  /// that order from `generator` (the default generator when null).
  LinearImpl(std::int64_t in_features, std::int64_t out_features, bool bias = true, Generator* generator = nullptr);
  explicit LinearImpl(const LinearOptions& options, Generator* generator = nullptr);

  Tensor forward(const Tensor& input) override;
  void reset_parameters(Generator& generator);

  std::int64_t in_features() const { return options.in_features(); }
  std::int64_t out_features() const { return options.out_features(); }
  LinearOptions options;
  Tensor weight;  ///< [out_features, in_features]
  Tensor bias;    ///< [out_features], undefined when bias = false

  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;
};

/// The holder: `torch::nn::Linear fc(784, 64); fc->weight; fc(x);`
TORCH_MODULE(Linear);

}  // namespace duet::torch::nn
