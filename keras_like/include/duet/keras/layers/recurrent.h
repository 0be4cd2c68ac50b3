/// @file
/// keras.layers.SimpleRNN, LSTM and GRU over batch-first sequences [batch, steps, features]:
/// the last step's output [batch, units], or every step's [batch, steps, units] with
/// return_sequences. Weights "kernel" [features, G*units], "recurrent_kernel" [units, G*units] and
/// "bias", with gate blocks i, f, c, o (LSTM) and z, r, h (GRU), as keras/src/layers/rnn/*.py.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

/// Options of the three recurrent layers with Keras 3's defaults; LSTM reads unit_forget_bias,
/// GRU reads reset_after, SimpleRNN neither (nor recurrent_activation).
struct RecurrentOptions {
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  /// LSTM: the forget gate's bias block starts at 1 (Jozefowicz et al. 2015)
  bool unit_forget_bias = true;
  /// GRU: the reset gate multiplies the recurrent product (PyTorch's form); bias then [2, 3*units]
  bool reset_after = true;
  bool return_sequences = false;
  std::vector<std::int64_t> input_shape = {};  ///< on the first layer: {steps, features}
};

/// What SimpleRNN, LSTM and GRU share: options, shapes and the weights' creation.
class RecurrentLayer : public Layer {
 public:
  void build(const Shape& input_shape, Generator& generator) override;
  /// {steps, features} -> {units}, or {steps, units} with return_sequences.
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::int64_t units() const { return units_; }
  const RecurrentOptions& options() const { return options_; }
  Tensor kernel;            ///< [features, G*units]
  Tensor recurrent_kernel;  ///< [units, G*units]
  Tensor bias;              ///< [G*units] ([2, 3*units] for GRU with reset_after); undefined without use_bias

 protected:
  RecurrentLayer(const char* kind, std::int64_t gates, std::int64_t units, RecurrentOptions options);
  /// Checks a batch's shape and gives the last step or every step of `all_steps` [N, T, units].
  Tensor finish(const Tensor& all_steps) const;
  void check_inputs(const Tensor& inputs) const;
  const char* kind_;
  std::int64_t gates_, units_;
  RecurrentOptions options_;
};

/// keras.layers.SimpleRNN: h_t = activation(x_t kernel + h_{t-1} recurrent_kernel + bias).
class SimpleRNN : public RecurrentLayer {
 public:
  explicit SimpleRNN(std::int64_t units, RecurrentOptions options = {});
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "SimpleRNN"; }
  std::shared_ptr<Layer> clone() const override;
};

/// keras.layers.LSTM: gates i, f, c, o; c_t = f c + i activation(z_c), h_t = o activation(c_t).
class LSTM : public RecurrentLayer {
 public:
  explicit LSTM(std::int64_t units, RecurrentOptions options = {});
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "LSTM"; }
  std::shared_ptr<Layer> clone() const override;
};

/// keras.layers.GRU: gates z, r, h; h_t = z h_{t-1} + (1 - z) hh.
class GRU : public RecurrentLayer {
 public:
  explicit GRU(std::int64_t units, RecurrentOptions options = {});
  Tensor call(const Tensor& inputs, bool training) override;
  std::string class_name() const override { return "GRU"; }
  std::shared_ptr<Layer> clone() const override;
};

}  // namespace duet::keras::layers
