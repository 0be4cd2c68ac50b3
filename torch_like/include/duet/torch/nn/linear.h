/// @file
/// torch.nn.Linear: y = x W^T + b with weight [out_features, in_features].
#pragma once

#include <cstdint>

#include "duet/core/random.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

class Linear : public Module {
 public:
  /// Initialised like PyTorch's reset_parameters(): weight kaiming_uniform(a = sqrt(5)) on
  /// fan_in, i.e. U(-1/sqrt(in), 1/sqrt(in)), then bias U(-1/sqrt(in), 1/sqrt(in)), drawn in
  /// that order from `generator` (the default generator when null).
  Linear(std::int64_t in_features, std::int64_t out_features, bool bias = true, Generator* generator = nullptr);

  Tensor forward(const Tensor& input) override;
  void reset_parameters(Generator& generator);

  std::int64_t in_features() const { return in_features_; }
  std::int64_t out_features() const { return out_features_; }
  Tensor weight;  ///< [out_features, in_features]
  Tensor bias;    ///< [out_features], undefined when bias = false

  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;

 private:
  std::int64_t in_features_, out_features_;
};

}  // namespace duet::torch::nn
