/// @file
/// An experiment: one data set, one dense architecture, and how each framework trains it.
/// The JSON format is documented in docs/experiment-format.md.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::compare {

struct LayerSpec {
  std::int64_t units = 1;
  std::string activation = "linear";  ///< linear | relu | sigmoid | tanh | softmax
};

/// Weights of one dense layer in Keras' layout: kernel [in][out], bias [out].
struct LayerWeights {
  Tensor kernel;
  Tensor bias;
};

/// Keras' optimiser names and parameters; absent values take Keras' defaults for that optimiser.
struct KerasOptimizerConfig {
  std::string name = "sgd";  ///< sgd | adam | rmsprop | adagrad
  std::optional<float> learning_rate, momentum, beta_1, beta_2, epsilon, rho, initial_accumulator_value;
  std::optional<bool> nesterov, amsgrad, centered;
};

struct KerasConfig {
  KerasOptimizerConfig optimizer;
  /// mean_squared_error | mse | mean_absolute_error | mae | huber | binary_crossentropy |
  /// categorical_crossentropy | sparse_categorical_crossentropy
  std::string loss = "mean_squared_error";
  float huber_delta = 1.0f;
  std::optional<int> batch_size;  ///< overrides the shared value
  std::optional<bool> shuffle;
};

/// PyTorch's optimiser names and parameters; absent values take PyTorch's defaults.
struct TorchOptimizerConfig {
  std::string name = "sgd";  ///< sgd | adam | rmsprop | adagrad
  std::optional<float> lr;   ///< required for sgd, as in torch.optim.SGD
  std::optional<float> momentum, dampening, weight_decay, eps, alpha, initial_accumulator_value;
  std::optional<std::pair<float, float>> betas;
  std::optional<bool> nesterov, amsgrad, centered;
};

struct TorchConfig {
  TorchOptimizerConfig optimizer;
  std::string loss = "mse";  ///< mse | l1 | huber | smooth_l1 | bce | bce_with_logits | cross_entropy
  std::string reduction = "mean";
  float huber_delta = 1.0f;
  float smooth_l1_beta = 1.0f;
  std::optional<int> batch_size;
  std::optional<bool> shuffle;
};

struct Experiment {
  std::string name;
  std::string note;
  Tensor x;  ///< [rows, features]
  Tensor y;  ///< [rows, outputs], or [rows, 1] class indices with a sparse / cross-entropy loss
  std::vector<LayerSpec> layers;
  std::optional<std::vector<LayerWeights>> initial_weights;
  std::uint64_t seed = 0;
  int epochs = 1;
  std::optional<int> batch_size;  ///< absent: each framework's own default
  std::optional<bool> shuffle;
  KerasConfig keras;
  TorchConfig torch;
  Tensor predict;  ///< [rows, features]

  /// True when y is one column of class indices for a multi-class model.
  bool class_index_targets() const;

  /// Batch size and shuffling each side uses after overrides and framework defaults:
  /// Keras fit() defaults to 32 and shuffle=True; the article's PyTorch loop trains on the
  /// whole data set in order.
  int keras_batch_size() const;
  bool keras_shuffle() const;
  int torch_batch_size() const;
  bool torch_shuffle() const;
};

/// Parses and validates an experiment; relative CSV paths resolve against `base_dir`.
/// Throws duet::Error naming the offending key, value or position.
Experiment parse_experiment(const nlohmann::json& doc, const std::filesystem::path& base_dir);
Experiment parse_experiment_text(const std::string& text, const std::filesystem::path& base_dir);
Experiment load_experiment(const std::filesystem::path& path);

/// The built-in default: the article's y = 2x - 1 with each framework's own initialisers,
/// Keras SGD on mean squared error and PyTorch SGD on MSELoss(reduction='sum'), 500 epochs.
Experiment article_experiment();

}  // namespace duet::compare
