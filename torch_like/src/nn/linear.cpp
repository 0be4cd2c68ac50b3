#include "duet/torch/nn/linear.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/core/ops.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

LinearImpl::LinearImpl(std::int64_t in_features, std::int64_t out_features, bool with_bias, Generator* generator)
    : LinearImpl(LinearOptions(in_features, out_features).bias(with_bias), generator) {}

LinearImpl::LinearImpl(const LinearOptions& linear_options, Generator* generator) : options(linear_options) {
  const std::int64_t in_features = options.in_features(), out_features = options.out_features();
  if (in_features <= 0 || out_features <= 0) {
    throw Error(fmt::format("Linear: in_features and out_features must be positive, got in_features={}, "
                            "out_features={}",
                            in_features, out_features));
  }
  weight = register_parameter("weight", Tensor::zeros({out_features, in_features}));
  if (options.bias()) bias = register_parameter("bias", Tensor::zeros({out_features}));
  reset_parameters(generator ? *generator : default_generator());
}

void LinearImpl::reset_parameters(Generator& generator) {
  // torch/nn/modules/linear.py reset_parameters(): kaiming_uniform_(weight, a=math.sqrt(5)),
  // then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  weight.mutable_data() =
      init::kaiming_uniform(weight.shape(), in_features(), std::sqrt(5.0f), generator).data();
  if (bias.defined()) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(in_features()));
    bias.mutable_data() = init::uniform(bias.shape(), -bound, bound, generator).data();
  }
}

Tensor LinearImpl::forward(const Tensor& input) {
  try {
    return affine(input, weight, bias, WeightLayout::out_in);
  } catch (const Error& e) {
    throw Error(fmt::format("Linear(in_features={}, out_features={}): {}", in_features(), out_features(), e.what()));
  }
}

std::string LinearImpl::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", in_features(), out_features(),
                     bias.defined() ? "True" : "False");
}

}  // namespace duet::torch::nn
