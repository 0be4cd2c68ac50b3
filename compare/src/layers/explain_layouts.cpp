// The layout differences of image and signal models (issue 14): the flatten order and the kernel
// layout. The comparator maps both correctly, so they never cause a gap between its two sides;
// they cause one in a hand-made port, silently. Each reason measures that error on the
// experiment's own data: the untrained predictions with the weights mapped correctly against
// the same weights moved the naive way. Keras' initialisers against PyTorch's, per layer type,
// are worded here too.
#include <fmt/format.h>

#include <cmath>
#include <span>

#include "duet/compare/analysis.h"
#include "duet/compare/experiment.h"
#include "keras_side.h"
#include "layers/layer_kind.h"
#include "layouts.h"

namespace duet::compare {

namespace {

// The Keras kernel that computes what PyTorch computes when a dense kernel after a flatten is
// only transposed, not row-permuted: PyTorch's input i (CHW order) then meets Keras row i, which
// was meant for HWC position i; in Keras' terms, row `torch_from_keras[i]` gets kernel row i.
Tensor naive_flatten_kernel(const Tensor& kernel, const Shape& flattened_from) {
  const auto torch_from_keras = flatten_rows_torch_from_keras(flattened_from);
  const std::int64_t out = kernel.shape()[1];
  std::vector<float> moved(kernel.data().begin(), kernel.data().end());
  for (std::size_t i = 0; i < torch_from_keras.size(); ++i)
    for (std::int64_t o = 0; o < out; ++o)
      moved[static_cast<std::size_t>(torch_from_keras[i] * out + o)] = kernel.data()[i * static_cast<std::size_t>(out) + static_cast<std::size_t>(o)];
  return Tensor::from_data(kernel.shape(), std::move(moved));
}

// The Keras kernel that computes what PyTorch computes when a Keras kernel's values are
// reshaped to PyTorch's weight shape instead of transposed (HWIO buffer read as OIHW).
Tensor naive_conv_kernel(const Tensor& kernel) {
  const Shape& k = kernel.shape();
  const std::vector<float> values(kernel.data().begin(), kernel.data().end());
  if (k.rank() == 4) {
    return Tensor::from_data(Shape{k[3], k[2], k[0], k[1]}, values).permute({2, 3, 1, 0}).contiguous();
  }
  return Tensor::from_data(Shape{k[2], k[1], k[0]}, values).permute({2, 1, 0}).contiguous();
}

NamedWeights with_kernel(const NamedWeights& weights, Tensor kernel) {
  NamedWeights out = weights;
  for (auto& [name, value] : out)
    if (name == "kernel") value = std::move(kernel);
  return out;
}

}  // namespace

void explain_layouts(const Experiment& e, std::vector<std::string>& reasons) {
  struct Trap {
    std::size_t layer;
    std::string text;
    Tensor naive_kernel;
  };
  std::vector<Trap> traps;
  const std::vector<NamedWeights> weights = e.initial_weights ? *e.initial_weights : keras_default_weights(e);
  walk_layers(sample_shape(e.x), e.layers, false, [&](const LayerKind&, const LayerSpec& spec, const LayerContext& ctx) {
    const NamedWeights& w = weights.at(ctx.index);
    if (spec.type == "dense" && ctx.flattened_from) {
      const Shape& s = *ctx.flattened_from;
      const std::int64_t channels = s[s.rank() - 1];
      if (channels == 1 || s.numel() == channels) return;  // HWC and CHW orders coincide
      traps.push_back({ctx.index,
                       fmt::format("Flatten order ({}, dense after a flatten of {} samples): Keras flattens each "
                                   "sample channels-last ({} order), PyTorch channels-first ({} order), so the "
                                   "dense kernel's {} rows are permuted when weights move between the sides "
                                   "(the comparator does it)",
                                   ctx.path, s.str(), s.rank() == 3 ? "H, W, C" : "L, C", s.rank() == 3 ? "C, H, W" : "C, L",
                                   s.numel()),
                       naive_flatten_kernel(weight(w, "kernel"), s)});
    } else if (spec.type == "conv1d" || spec.type == "conv2d") {
      const Tensor& kernel = weight(w, "kernel");
      const bool two_d = spec.type == "conv2d";
      traps.push_back({ctx.index,
                       fmt::format("Kernel layout ({}, {}): Keras stores the kernel as {} ({}), PyTorch's weight "
                                   "as {} ({}); the comparator transposes between them",
                                   ctx.path, spec.type, kernel.shape().str(), two_d ? "kh, kw, in, out" : "k, in, out",
                                   two_d ? fmt::format("[{}, {}, {}, {}]", kernel.shape()[3], kernel.shape()[2],
                                                       kernel.shape()[0], kernel.shape()[1])
                                         : fmt::format("[{}, {}, {}]", kernel.shape()[2], kernel.shape()[1],
                                                       kernel.shape()[0]),
                                   two_d ? "out, in, kh, kw" : "out, in, k"),
                       naive_conv_kernel(kernel)});
    }
  });
  if (traps.empty()) return;
  // One model for every point: the weights as mapped, then each trap's naive port.
  std::vector<std::vector<NamedWeights>> points{weights};
  for (const auto& trap : traps) {
    points.push_back(weights);
    points.back()[trap.layer] = with_kernel(weights[trap.layer], trap.naive_kernel);
  }
  const std::vector<Tensor> predictions = keras_predictions_at(e, points);
  const auto values = [](const Tensor& t) { return std::span<const float>(t.data().data(), static_cast<std::size_t>(t.data().size())); };
  for (std::size_t i = 0; i < traps.size(); ++i) {
    const auto& trap = traps[i];
    const double gap = largest_difference(values(predictions[0]), values(predictions[i + 1]));
    reasons.push_back(fmt::format(
        "{}. Measured: the same {} weights moved without that mapping (as a hand-made port would) change the "
        "untrained predictions by up to {:.4g} on this experiment's inputs, with no error or warning.",
        trap.text, e.initial_weights ? "initial" : "(Keras-initialised)", gap));
  }
}

void explain_initialisers(const Experiment& e, std::vector<std::string>& reasons) {
  if (e.initial_weights) return;
  bool dense = false, conv = false;
  for (const auto& layer : e.layers) {
    dense = dense || layer.type == "dense";
    conv = conv || layer.type == "conv1d" || layer.type == "conv2d";
  }
  if (!dense && !conv) return;
  std::string layers;
  if (dense) {
    layers += " Dense: Keras glorot_uniform, U(+-sqrt(6/(fan_in+fan_out))), for the kernel and zeros for the bias; "
              "PyTorch's Linear kaiming_uniform(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in)), for the weight and "
              "U(+-1/sqrt(fan_in)) for the bias.";
  }
  if (conv) {
    layers += " Conv: the same two rules with the receptive field counted in, fan_in = in x kh x kw and fan_out = "
              "out x kh x kw on the Keras side, fan_in = in x kh x kw for both PyTorch tensors; Keras' conv bias "
              "starts at zero.";
  }
  reasons.push_back("Initial weights: none are given, so each side draws its framework's defaults." + layers +
                    " Different starting points end at different places after a finite number of epochs; give "
                    "\"initial_weights\" to start both from the same values.");
}

}  // namespace duet::compare
