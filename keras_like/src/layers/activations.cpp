// Keras' activations by name (keras/src/activations/__init__.py and activations.py), each with
// the default parameters of the keras.activations function: leaky_relu's negative_slope 0.2
// (the LeakyReLU layer's 0.3 is the layer's own), gelu exact (approximate=False), hard_sigmoid
// relu6(x + 3) / 6 (Keras 3; Keras 2 and TensorFlow.js use 0.2 x + 0.5), elu's alpha 1.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "duet/core/activations.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/layers/dense.h"

namespace duet::keras::layers {

namespace {

// keras.activations.leaky_relu(x, negative_slope=0.2).
constexpr float kLeakyReluSlope = 0.2f;

using ActivationFn = Tensor (*)(const Tensor&);
const std::vector<std::pair<std::string, ActivationFn>>& activation_table() {
  // relu'(0) = 0 as in both frameworks.
  static const std::vector<std::pair<std::string, ActivationFn>> table{
      {"linear", [](const Tensor& x) { return x; }},
      {"relu", [](const Tensor& x) { return relu(x); }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return duet::tanh(x); }},
      {"softmax", [](const Tensor& x) { return softmax(x, -1); }},
      {"elu", [](const Tensor& x) { return elu(x, 1.0f); }},
      {"selu", [](const Tensor& x) { return selu(x); }},
      {"gelu", [](const Tensor& x) { return gelu(x, GeluApproximation::none); }},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x, kLeakyReluSlope); }},
      {"softplus", [](const Tensor& x) { return softplus(x); }},
      {"swish", [](const Tensor& x) { return silu(x); }},
      {"silu", [](const Tensor& x) { return silu(x); }},
      {"hard_sigmoid", [](const Tensor& x) { return hard_sigmoid(x, HardSigmoidForm::relu6); }}};
  return table;
}

}  // namespace

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, fn] : activation_table()) out.push_back(name);
    return out;
  }();
  return names;
}

void check_activation_name(const std::string& name, const char* layer) {
  for (const auto& known : activation_names()) {
    if (known == name) return;
  }
  throw Error(fmt::format("{}: Could not interpret activation function identifier: '{}' (known: {})", layer, name,
                          fmt::join(activation_names(), ", ")));
}

Tensor activation(const std::string& name, const Tensor& x) {
  for (const auto& [known, fn] : activation_table()) {
    if (known == name) return fn(x);
  }
  check_activation_name(name, "activation");
  return x;
}

}  // namespace duet::keras::layers
