/// @file
/// keras.layers.Embedding: maps token ids [batch, steps] to vectors [batch, steps, output_dim].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duet/keras/layers/layer.h"

namespace duet::keras::layers {

struct EmbeddingOptions {
  std::string embeddings_initializer = "uniform";  ///< Keras' "uniform": RandomUniform(-0.05, 0.05)
  std::vector<std::int64_t> input_shape = {};       ///< on the first layer: {steps}
};

/// Creates the weight "embeddings" [input_dim, output_dim] when built. Ids must be whole numbers
/// in [0, input_dim); an error names the row, the step and the value otherwise.
class Embedding : public Layer {
 public:
  Embedding(std::int64_t input_dim, std::int64_t output_dim, EmbeddingOptions options = {});

  void build(const Shape& input_shape, Generator& generator) override;
  Tensor call(const Tensor& inputs, bool training) override;
  /// {steps} -> {steps, output_dim}
  Shape compute_output_shape(const Shape& input_shape) const override;
  std::string class_name() const override { return "Embedding"; }
  std::shared_ptr<Layer> clone() const override;

  std::int64_t input_dim() const { return input_dim_; }
  std::int64_t output_dim() const { return output_dim_; }
  Tensor embeddings;  ///< [input_dim, output_dim]

 private:
  std::int64_t input_dim_, output_dim_;
  EmbeddingOptions options_;
};

}  // namespace duet::keras::layers
