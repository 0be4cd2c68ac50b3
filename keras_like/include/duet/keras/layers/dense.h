/// @file
/// keras.layers.Dense: outputs = activation(inputs @ kernel + bias), kernel [in, out].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

struct DenseOptions {
  std::string activation = "linear";  ///< a name of activation_names()
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  /// Penalties added to the loss: keras.regularizers.L2(0.01) etc. (none by default)
  std::optional<regularizers::Regularizer> kernel_regularizer = std::nullopt;
  std::optional<regularizers::Regularizer> bias_regularizer = std::nullopt;
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer: the feature shape, e.g. {1}
};

/// Creates the weights "kernel" and (with use_bias) "bias" when built.
class Dense : public Layer {
 public:
  explicit Dense(std::int64_t units, DenseOptions options = {});

  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  /// The input with its last axis replaced by `units` (Dense acts on the last axis).
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Dense"; }
  std::shared_ptr<Layer> clone() const override;

  std::int64_t units() const { return units_; }
  const DenseOptions& options() const { return options_; }
  Tensor kernel;  ///< [input_dim, units], the weight named "kernel"
  Tensor bias;    ///< [units], the weight named "bias"; undefined without use_bias

 private:
  std::int64_t units_;
  DenseOptions options_;
};

/// Applies a Keras activation by name (one of activation_names()).
Tensor activation(const std::string& name, const Tensor& x);
/// Every activation name the layers accept, in one list (the comparator's parser reads it too).
const std::vector<std::string>& activation_names();
/// Throws, naming the layer (`Dense`, `Activation`) and the allowed names, when `name` is not one.
void check_activation_name(const std::string& name, const char* layer);

}  // namespace duet::keras::layers
