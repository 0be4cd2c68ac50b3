/// @file
/// An experiment: one data set, one architecture, and how each framework trains it.
/// The JSON format is documented in docs/experiment-format.md.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duet/compare/layer_spec.h"
#include "duet/core/option_fields.h"
#include "duet/core/tensor.h"

namespace duet::compare {

/// One side's optimiser as the experiment gives it: a name from the front-end's list of
/// optimisers (keras::optimizers::all(), torch::optim::all()) and the values given for its
/// options, in that framework's words; absent options take that framework's defaults.
/// A Keras learning-rate schedule given as `keras.optimizer.learning_rate` (keras::optimizers::
/// schedules), evaluated at every optimiser step.
struct KerasScheduleConfig {
  std::string schedule;  ///< exponential_decay | piecewise_constant_decay | cosine_decay | inverse_time_decay
  float initial_learning_rate = 0;
  std::int64_t decay_steps = 0;
  float decay_rate = 0;
  bool staircase = false;
  float alpha = 0;                       ///< cosine_decay
  std::vector<std::int64_t> boundaries;  ///< piecewise_constant_decay
  std::vector<float> values;             ///< piecewise_constant_decay
};

struct OptimizerConfig {
  std::string name = "sgd";
  options::Values given;
  std::optional<KerasScheduleConfig> schedule;  ///< Keras only: a schedule as the learning rate
};
using KerasOptimizerConfig = OptimizerConfig;
using TorchOptimizerConfig = OptimizerConfig;

struct KerasConfig {
  KerasOptimizerConfig optimizer;
  /// mean_squared_error | mse | mean_absolute_error | mae | huber | binary_crossentropy |
  /// categorical_crossentropy | sparse_categorical_crossentropy
  std::string loss = "mean_squared_error";
  float huber_delta = 1.0f;
  bool from_logits = false;     ///< cross-entropies: the model's last layer outputs logits
  float label_smoothing = 0;    ///< binary: towards 0.5; categorical: towards 1 / C
  /// fit's class_weight: class index -> weight (each sample's loss scaled, mean over the batch size)
  std::map<std::int64_t, float> class_weight;
  std::optional<int> batch_size;  ///< overrides the shared value
  std::optional<bool> shuffle;
};

/// A torch.optim.lr_scheduler stepped once per epoch (`torch.scheduler`).
struct TorchSchedulerConfig {
  std::string name;  ///< step_lr | multistep_lr | exponential_lr
  int step_size = 0;
  std::vector<int> milestones;
  float gamma = 0.1f;
};

struct TorchConfig {
  TorchOptimizerConfig optimizer;
  std::optional<TorchSchedulerConfig> scheduler;
  std::optional<float> clip_grad_norm;   ///< torch.nn.utils.clip_grad_norm_(max_norm) before each step
  std::optional<float> clip_grad_value;  ///< torch.nn.utils.clip_grad_value_ before each step
  std::string loss = "mse";  ///< mse | l1 | huber | smooth_l1 | bce | bce_with_logits | cross_entropy
  std::string reduction = "mean";
  float huber_delta = 1.0f;
  float label_smoothing = 0;      ///< cross_entropy
  std::vector<float> weight;      ///< cross_entropy: per class; bce, bce_with_logits: per output column
  std::vector<float> pos_weight;  ///< bce_with_logits: per output column
  float smooth_l1_beta = 1.0f;
  std::optional<int> batch_size;
  std::optional<bool> shuffle;
};

struct Experiment {
  std::string name;
  std::string note;
  /// [rows, features], [rows, steps, features] or [rows, height, width, channels]: Keras' layout.
  Tensor x;
  Tensor y;  ///< [rows, outputs], or [rows, 1] class indices with a sparse / cross-entropy loss
  std::vector<LayerSpec> layers;
  /// Per layer, one sample's input shape (Keras' layout, no batch axis); then the model's output.
  std::vector<Shape> layer_inputs;
  Shape output_shape;
  /// One entry per layer (empty for layers without weights), Keras' names and layout.
  std::optional<std::vector<NamedWeights>> initial_weights;
  std::uint64_t seed = 0;
  int epochs = 1;
  std::optional<int> batch_size;  ///< absent: each framework's own default
  std::optional<bool> shuffle;
  KerasConfig keras;
  TorchConfig torch;
  Tensor predict;  ///< rows shaped like x's

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

// Limits an experiment is checked against before anything of that size is allocated (see
// docs/reliability.md); each error names the limit and the value.
inline constexpr std::uintmax_t kMaxExperimentFileBytes = std::uintmax_t{16} << 20;  ///< 16 MiB of JSON
inline constexpr int kMaxUnitsPerLayer = 100'000;       ///< units (filters, ...) of one layer
inline constexpr std::int64_t kMaxParameters = 10'000'000;  ///< weights and biases of all layers together
inline constexpr int kMaxEpochs = 1'000'000;             ///< a typo like 5000000 would look like a hang

/// Parses and validates an experiment; relative CSV paths resolve against `base_dir`.
/// Throws duet::Error naming the offending key, value or position.
Experiment parse_experiment(const nlohmann::json& doc, const std::filesystem::path& base_dir);
/// The same from JSON text: nesting deeper than 32 levels and a key given twice in one object are
/// errors naming the key path, checked before the document is built.
Experiment parse_experiment_text(const std::string& text, const std::filesystem::path& base_dir);
/// The same from a file: only a regular file of at most kMaxExperimentFileBytes is read.
Experiment load_experiment(const std::filesystem::path& path);

/// The built-in default: the article's y = 2x - 1 with each framework's own initialisers,
/// Keras SGD on mean squared error and PyTorch SGD on MSELoss(reduction='sum'), 500 epochs.
Experiment article_experiment();

}  // namespace duet::compare
