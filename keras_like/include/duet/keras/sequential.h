/// @file
/// keras.Sequential: a stack of layers with compile / fit / predict / evaluate.
#pragma once

#include <cstdint>
#include <filesystem>
#include <utility>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "duet/core/random.h"
#include "duet/keras/callbacks.h"
#include "duet/keras/history.h"
#include "duet/keras/metrics.h"
#include "duet/keras/layers/layer.h"
#include "duet/keras/losses.h"
#include "duet/keras/optimizers.h"

namespace duet::keras {

namespace detail {
class Progbar;
}

/// compile()'s optimizer: a Keras name ("sgd") or a configured optimiser.
class OptimizerSpec {
 public:
  OptimizerSpec(const char* name) : OptimizerSpec(std::string(name)) {}  // NOLINT: implicit by design
  OptimizerSpec(const std::string& name);                                // NOLINT
  template <typename O>
    requires std::is_base_of_v<optimizers::Optimizer, O>
  OptimizerSpec(O optimizer) : ptr_(std::make_shared<O>(std::move(optimizer))) {}  // NOLINT
  OptimizerSpec(std::shared_ptr<optimizers::Optimizer> optimizer) : ptr_(std::move(optimizer)) {}  // NOLINT
  const std::shared_ptr<optimizers::Optimizer>& get() const { return ptr_; }

 private:
  std::shared_ptr<optimizers::Optimizer> ptr_;
};

/// compile()'s loss: a Keras name ("mean_squared_error", "mse") or a configured loss.
class LossSpec {
 public:
  LossSpec(const char* name) : loss_(losses::get(name)) {}         // NOLINT: implicit by design
  LossSpec(const std::string& name) : loss_(losses::get(name)) {}  // NOLINT
  LossSpec(losses::Loss loss) : loss_(std::move(loss)) {}          // NOLINT
  const losses::Loss& get() const { return loss_; }

 private:
  losses::Loss loss_;
};

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  bool shuffle = true;
  int verbose = 1;  ///< 0 silent, 1 progress bar, 2 one line per epoch
  /// The last fraction of (x, y), taken before shuffling, held out for validation.
  float validation_split = 0.0f;
  /// Explicit validation data (x, y); takes precedence over validation_split.
  std::optional<std::pair<Tensor, Tensor>> validation_data = std::nullopt;
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks = {};
};

struct EvaluateOptions {
  int batch_size = 32;
  int verbose = 1;
};

class Sequential {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<layers::LayerRef> layers);

  void add(layers::LayerRef layer);
  /// Creates every layer's weights for inputs of `input_dim` features (done automatically from
  /// the first layer's input_shape, or on the first fit / predict).
  void build(std::int64_t input_dim, Generator* generator = nullptr);
  bool built() const { return input_dim_.has_value(); }

  /// metrics: "accuracy", "mae", "mse", ... (see metrics.h)
  void compile(OptimizerSpec optimizer, LossSpec loss, std::vector<std::string> metrics = {});
  History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  Tensor predict(const Tensor& x, int batch_size = 32);
  /// The loss and metrics over (x, y), without updating weights ({"loss": ..., "accuracy": ...}).
  Logs evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});

  /// Keras' table of layers, output shapes and parameter counts; also printed by summary().
  std::string summary_text() const;
  void summary() const;
  /// Weights in Duet's tensor file format (docs/file-format.md), written atomically; loading
  /// checks every name and shape before changing anything.
  void save_weights(const std::filesystem::path& path) const;
  void load_weights(const std::filesystem::path& path);

  /// Set by a callback (or by you, from one) to end fit() after the current batch.
  bool stop_training = false;

  Tensor call(const Tensor& x, bool training = false);
  /// Kernels and biases in layer order, as copies (Keras' get_weights).
  std::vector<Tensor> get_weights() const;
  /// Replaces every weight; shapes must match get_weights().
  void set_weights(const std::vector<Tensor>& weights);
  std::vector<Tensor> trainable_weights() const;
  const std::vector<std::shared_ptr<layers::Layer>>& layers() const { return layers_; }
  optimizers::Optimizer& optimizer() const;

 private:
  void ensure_built(const Tensor& x);
  void resolve_metrics();
  /// Throws the divergence error unless `loss` is finite or a callback is stopping training.
  void check_finite_epoch_loss(double loss, int epoch, bool stopping) const;
  /// The layers applied in order, without the input checks of call().
  Tensor forward(const Tensor& x, bool training);
  void require_compiled(const char* what) const;
  std::int64_t output_dim() const;
  /// Loss and metric sums over (x, y) in batches, without gradients: the epoch's validation logs.
  Logs measure(const Tensor& x, const Tensor& y, int batch_size, detail::Progbar* progbar);

  std::vector<std::shared_ptr<layers::Layer>> layers_;
  std::optional<std::int64_t> input_dim_;
  std::shared_ptr<optimizers::Optimizer> optimizer_;
  std::optional<losses::Loss> loss_;
  std::vector<std::string> metric_ids_;  // as given to compile()
  std::vector<metrics::Metric> metrics_;  // resolved for the built model's output width
};

}  // namespace duet::keras
