/// @file
/// keras.Sequential: a stack of layers with compile / fit / predict / evaluate.
#pragma once

#include <cstdint>
#include <filesystem>
#include <utility>
#include <initializer_list>
#include <map>
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
#include "duet/keras/scores.h"

namespace duet::keras {

namespace detail {
class Progbar;
class CallbackList;
}  // namespace detail

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
  /// Callbacks by value or shared_ptr (see callbacks::CallbackRef).
  std::vector<callbacks::CallbackRef> callbacks = {};
  /// Keras' class_weight: each sample's loss is multiplied by the weight of its class (argmax of a
  /// one-hot row, else the rounded value; classes not listed weigh 1), and the batch loss is still
  /// the sum divided by the batch size, not by the sum of the weights.
  std::map<std::int64_t, float> class_weight = {};
  /// One weight per sample of x ([N] or [N, 1]), applied as class_weight is; not with class_weight.
  Tensor sample_weight = {};
};

struct EvaluateOptions {
  int batch_size = 32;
  int verbose = 1;  ///< 0 silent, 1 or 2 the progress line
};

/// A stack of layers trained as one model.
///
/// fit, evaluate and predict take x as [samples, ...] in Keras' layout ([samples, features],
/// [samples, steps, features], [samples, height, width, channels]) and y as [samples, outputs]
/// or, as Keras accepts, 1-D [samples] (read as one output per sample).
///
/// A Sequential is not copyable: a copy would share its layers' weights, so training one would
/// silently change the other. Move it, or make an independent model as Keras does:
/// models::clone_model(model) (same layers, fresh weights), followed by
/// clone.set_weights(model.get_weights()) for the same values.
class Sequential {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<layers::LayerRef> layers);
  Sequential(const Sequential&) = delete;
  Sequential& operator=(const Sequential&) = delete;
  Sequential(Sequential&&) noexcept = default;
  Sequential& operator=(Sequential&&) noexcept = default;
  ~Sequential() = default;

  void add(layers::LayerRef layer);
  /// Creates every layer's weights for samples of `input_shape` (no batch axis: {features},
  /// {steps, features} or {height, width, channels}); done automatically from the first layer's
  /// input_shape, or on the first fit / predict. Layers built before (an adapted Normalization,
  /// a layer shared with another model) keep their weights and must fit the shapes given.
  void build(const Shape& input_shape, Generator* generator = nullptr);
  /// build({input_dim}): tabular data of `input_dim` features.
  void build(std::int64_t input_dim, Generator* generator = nullptr);
  bool built() const { return input_shape_.has_value(); }
  /// The shape of one input sample (no batch axis), once built.
  const std::optional<Shape>& built_input_shape() const { return input_shape_; }
  /// The shape of one output sample (no batch axis); the model must be built.
  Shape output_shape() const;

  /// metrics: "accuracy", "mae", "mse", ... (see metrics.h)
  void compile(OptimizerSpec optimizer, LossSpec loss, std::vector<std::string> metrics = {});
  History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  Tensor predict(const Tensor& x, int batch_size = 32);
  /// The loss and metrics over (x, y), without updating weights, in metrics_names() order
  /// (see Scores for the scalar, unpacking and by-name forms).
  Scores evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});
  /// Keras' model.metrics_names: "loss", then the compiled metrics in compile() order.
  std::vector<std::string> metrics_names() const;

  /// Keras' table of layers, output shapes and parameter counts, then the total, trainable and
  /// non-trainable counts with their float32 sizes ("Total params: 1,234 (4.82 KB)"); also
  /// printed by summary().
  std::string summary_text() const;
  void summary() const;
  /// Writes Keras 3's weight file (docs/file-format.md): `path` must end in ".weights.h5", as
  /// Keras requires; an HDF5 file with each layer's variables as datasets
  /// `layers/<layer kind>/vars/0`, `1`, ... (kernel, bias; trainable variables first), written
  /// atomically. Real Keras 3 loads it into the same architecture with model.load_weights.
  void save_weights(const std::filesystem::path& path) const;
  /// Reads weights by extension, as Keras 3 does: ".weights.h5" (Keras 3's layout), ".h5" or
  /// ".hdf5" (Keras 2's layout: attributes layer_names / weight_names); a file in Duet's earlier
  /// DUETTNSR format loads whatever its name. Every count and shape is checked before anything
  /// changes; an error names the file, the path inside it and the layer that does not fit.
  void load_weights(const std::filesystem::path& path);
  /// Where each layer's variables live in a Keras 3 weight file: "layers/dense",
  /// "layers/dense_1", ... (keras/src/saving/saving_lib.py names them by class, not layer.name).
  std::vector<std::string> weight_file_paths() const;

  /// Set by a callback (or by you, from one) to end fit() after the current batch.
  bool stop_training = false;

  Tensor call(const Tensor& x, bool training = false);
  /// Every weight, layer by layer in each layer's order (Keras' get_weights: kernel, bias for
  /// Dense; mean, variance, count for Normalization), as copies.
  std::vector<Tensor> get_weights() const;
  /// Replaces every weight; shapes must match get_weights().
  void set_weights(const std::vector<Tensor>& weights);
  /// The weights the optimiser updates, as handles.
  std::vector<Tensor> trainable_weights() const;
  /// The weights only assignment changes (a Normalization's mean and variance), as handles.
  std::vector<Tensor> non_trainable_weights() const;
  const std::vector<std::shared_ptr<layers::Layer>>& layers() const { return layers_; }
  optimizers::Optimizer& optimizer() const;

 private:
  struct TrainingData;  // training.cpp
  struct EpochRun;      // training.cpp

  void ensure_built(const Tensor& x);
  /// Builds `layer` for samples of `input_shape`, or checks that a built layer was built for them.
  static void build_layer(layers::Layer& layer, const Shape& input_shape, Generator& generator);
  void resolve_metrics();
  /// Throws the divergence error unless `loss` is finite or a callback is stopping training.
  void check_finite_epoch_loss(double loss, int epoch, bool stopping) const;
  /// The layers applied in order, without the input checks of call().
  Tensor forward(const Tensor& x, bool training);
  void require_compiled(const char* what) const;
  // weights_file.cpp: one reader per file layout; each returns get_weights()-ordered values.
  std::vector<Tensor> keras3_weights(const std::string& bytes, const std::string& file) const;
  std::vector<Tensor> keras2_weights(const std::string& bytes, const std::string& file) const;
  std::vector<Tensor> legacy_duet_weights(const std::string& bytes, const std::string& file) const;
  /// The last axis of output_shape(): what the loss and metrics see per sample.
  std::int64_t output_dim() const;

  // training.cpp: fit and evaluate as named steps.
  /// The one input check of fit and evaluate: x a finite [samples, features] matrix for this
  /// model (building it if needed), y finite with as many samples and a width the loss takes.
  /// Returns y as a matrix (1-D y becomes [samples, 1], as Keras expands it).
  Tensor checked_targets(const char* method, const Tensor& x, const Tensor& y, const char* x_name,
                         const char* y_name);
  /// The training rows and the validation set (validation_data, or the validation_split's last rows).
  TrainingData training_data(const Tensor& x, const Tensor& y, const FitOptions& options);
  /// One pass of updates over the training batches; leaves the batch-size weighted means of the
  /// loss and metrics (metrics_names() order) in run.logs. `run` holds what lasts the whole fit.
  void run_epoch(const TrainingData& data, const FitOptions& options, EpochRun& run, detail::Progbar* progbar,
                 detail::CallbackList& callbacks);
  /// The loss and metrics over (x, y) in batches, without gradients, in metrics_names() order.
  std::vector<double> measure(const Tensor& x, const Tensor& y, int batch_size, detail::Progbar* progbar);

  std::vector<std::shared_ptr<layers::Layer>> layers_;
  std::optional<Shape> input_shape_;
  std::shared_ptr<optimizers::Optimizer> optimizer_;
  std::optional<losses::Loss> loss_;
  std::vector<std::string> metric_ids_;  // as given to compile()
  std::vector<metrics::Metric> metrics_;  // resolved for the built model's output width
};

}  // namespace duet::keras
