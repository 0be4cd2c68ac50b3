#include "duet/keras/layers/embedding.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/sequence.h"
#include "duet/keras/initializers.h"

namespace duet::keras::layers {

Embedding::Embedding(std::int64_t input_dim, std::int64_t output_dim, EmbeddingOptions options)
    : input_dim_(input_dim), output_dim_(output_dim), options_(std::move(options)) {
  if (input_dim <= 0 || output_dim <= 0) {
    // keras/src/layers/core/embedding.py
    throw Error(fmt::format("Embedding: Both `input_dim` and `output_dim` should be positive, Received "
                            "input_dim={} and output_dim={}",
                            input_dim, output_dim));
  }
  try {
    initializers::check_identifier(options_.embeddings_initializer);
  } catch (const Error& e) {
    throw Error(fmt::format("Embedding: {}", e.what()));
  }
  set_input_shape(options_.input_shape, "Embedding");
}

Shape Embedding::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.rank() != 1) {
    throw Error(fmt::format("layer '{}' (Embedding): takes token ids [batch, steps], so a sample shape {{steps}}; "
                            "got {}",
                            name(), input_shape.str()));
  }
  return Shape{input_shape[0], output_dim_};
}

void Embedding::build(const Shape& input_shape, Generator& generator) {
  (void)compute_output_shape(input_shape);
  forget_weights();
  embeddings = add_weight(
      {.name = "embeddings", .shape = {input_dim_, output_dim_}, .initializer = options_.embeddings_initializer},
      generator);
  mark_built(input_shape);
}

Tensor Embedding::call(const Tensor& inputs, bool) {
  const std::string what = fmt::format("layer '{}' (Embedding, input_dim={})", name(), input_dim_);
  const auto index = token_indices(inputs, input_dim_, what.c_str());
  return embedding_lookup(embeddings, index, inputs.shape());
}

std::shared_ptr<Layer> Embedding::clone() const {
  return std::make_shared<Embedding>(input_dim_, output_dim_, options_);
}

}  // namespace duet::keras::layers
