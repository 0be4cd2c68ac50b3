#include "duet/torch/nn/embedding.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/core/sequence.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

EmbeddingImpl::EmbeddingImpl(std::int64_t num_embeddings, std::int64_t embedding_dim, Generator* generator)
    : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim), generator) {}

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions& embedding_options, Generator* generator)
    : options(embedding_options) {
  const std::int64_t rows = options.num_embeddings(), dim = options.embedding_dim();
  if (rows <= 0 || dim <= 0) {
    throw Error(fmt::format("Embedding: num_embeddings and embedding_dim must be positive, got num_embeddings={}, "
                            "embedding_dim={}",
                            rows, dim));
  }
  if (auto p = options.padding_idx()) {
    // torch/nn/modules/sparse.py: "Padding_idx must be within num_embeddings", then made non-negative.
    if (*p >= rows || *p < -rows) {
      throw Error(fmt::format("Embedding: Padding_idx must be within num_embeddings (padding_idx={}, "
                              "num_embeddings={})",
                              *p, rows));
    }
    if (*p < 0) options.padding_idx(*p + rows);
  }
  weight = register_parameter("weight", Tensor::zeros({rows, dim}));
  reset_parameters(generator ? *generator : default_generator());
}

void EmbeddingImpl::reset_parameters(Generator& generator) {
  // torch/nn/modules/sparse.py reset_parameters: init.normal_(self.weight), then
  // _fill_padding_idx_with_zero.
  auto values = init::normal(weight.shape(), 0.0f, 1.0f, generator).data();
  if (auto p = options.padding_idx()) values.segment(*p * options.embedding_dim(), options.embedding_dim()).setZero();
  weight.mutable_data() = values;
}

Tensor EmbeddingImpl::forward(const Tensor& input) {
  if (input.dtype() != DType::int64) {
    // aten's embedding: indices must be Long or Int.
    throw Error(fmt::format("Embedding: Expected tensor for argument #1 'indices' to have one of the following "
                            "scalar types: Long, Int; but got {} instead",
                            dtype_name(input.dtype())));
  }
  const auto index = token_indices(input, options.num_embeddings(), "Embedding");
  return embedding_lookup(weight, index, input.shape(), options.padding_idx());
}

std::string EmbeddingImpl::extra_repr() const {
  std::string out = fmt::format("{}, {}", options.num_embeddings(), options.embedding_dim());
  if (auto p = options.padding_idx()) out += fmt::format(", padding_idx={}", *p);
  return out;
}

}  // namespace duet::torch::nn
