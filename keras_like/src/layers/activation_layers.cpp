// keras.layers.LeakyReLU / ELU / ReLU / Softmax (keras/src/layers/activations/*.py): the layers'
// own defaults and checks over the core activations.
#include "duet/keras/layers/activation_layers.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/activations.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"

namespace duet::keras::layers {

LeakyReLU::LeakyReLU(float negative_slope) : negative_slope_(negative_slope) {
  if (!(negative_slope >= 0) || !std::isfinite(negative_slope)) {
    throw Error(fmt::format("LeakyReLU: The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                            "value. Expected a float. Received: negative_slope={:g}",
                            negative_slope));
  }
}

Tensor LeakyReLU::call(const Tensor& inputs, bool) { return leaky_relu(inputs, negative_slope_); }

Tensor ELU::call(const Tensor& inputs, bool) { return elu(inputs, alpha_); }

ReLU::ReLU(ReLUOptions options) : options_(options) {
  // keras/src/layers/activations/relu.py __init__.
  if (options_.max_value && !(*options_.max_value >= 0)) {
    throw Error(fmt::format("ReLU: max_value of a ReLU layer cannot be a negative value. Received: max_value={:g}",
                            *options_.max_value));
  }
  if (!(options_.negative_slope >= 0)) {
    throw Error(fmt::format("ReLU: negative_slope of a ReLU layer cannot be a negative value. Received: "
                            "negative_slope={:g}",
                            options_.negative_slope));
  }
  if (!(options_.threshold >= 0)) {
    throw Error(fmt::format("ReLU: threshold of a ReLU layer cannot be a negative value. Received: threshold={:g}",
                            options_.threshold));
  }
}

Tensor ReLU::call(const Tensor& x, bool) {
  // keras/src/activations/activations.py ReLU.static_call, step by step.
  const auto& o = options_;
  if (o.negative_slope != 0 && !o.max_value && o.threshold == 0) return leaky_relu(x, o.negative_slope);
  Tensor out;
  if (o.threshold != 0) {
    out = mul(x, x.gt(static_cast<double>(o.threshold)).to(DType::float32));  // x where x > threshold, else 0
  } else {
    out = relu(x);
  }
  if (o.max_value) out = clamp(out, 0.0f, *o.max_value);
  if (o.negative_slope != 0) out = sub(out, mul_scalar(relu(add_scalar(neg(x), o.threshold)), o.negative_slope));
  return out;
}

Tensor Softmax::call(const Tensor& inputs, bool) { return softmax(inputs, axis_); }

}  // namespace duet::keras::layers
