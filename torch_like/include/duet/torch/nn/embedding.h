/// @file
/// torch.nn.Embedding: a table of num_embeddings rows of embedding_dim values, looked up by int64
/// token ids. `Embedding` is the holder, `EmbeddingImpl` the module.
#pragma once

#include <cstdint>
#include <optional>

#include "duet/core/random.h"
#include "duet/torch/arg.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// EmbeddingOptions(10, 3).padding_idx(0)
struct EmbeddingOptions {
  EmbeddingOptions(std::int64_t num_embeddings, std::int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  /// size of the dictionary of embeddings
  DUET_TORCH_ARG(std::int64_t, num_embeddings);
  /// the size of each embedding vector
  DUET_TORCH_ARG(std::int64_t, embedding_dim);
  /// this row starts at zero and receives no gradient; negative counts from the end
  DUET_TORCH_ARG(std::optional<std::int64_t>, padding_idx) = std::nullopt;
};

class EmbeddingImpl : public Module {
 public:
  /// weight ~ N(0, 1) (torch/nn/modules/sparse.py reset_parameters: init.normal_), then the
  /// padding_idx row set to zero; drawn from `generator` (the default generator when null).
  EmbeddingImpl(std::int64_t num_embeddings, std::int64_t embedding_dim, Generator* generator = nullptr);
  explicit EmbeddingImpl(const EmbeddingOptions& options, Generator* generator = nullptr);

  /// input: int64 ids of any shape [N] or [N, T] -> [..., embedding_dim]. Ids must be int64 and in
  /// [0, num_embeddings); an error names the row, the step and the value otherwise.
  Tensor forward(const Tensor& input) override;
  void reset_parameters(Generator& generator);

  EmbeddingOptions options;
  Tensor weight;  ///< [num_embeddings, embedding_dim]

  std::string type_name() const override { return "Embedding"; }
  std::string extra_repr() const override;
};

/// The holder: `torch::nn::Embedding emb(10, 3); emb(ids);`
TORCH_MODULE(Embedding);

}  // namespace duet::torch::nn
