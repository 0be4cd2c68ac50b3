// Sequential's fit and evaluate, read top-down as Keras 3's Trainer.fit reads
// (keras/src/backend/tensorflow/trainer.py): check the data once, build the training data
// (validation split or data), then per epoch run_epoch, the validation pass, and one record of
// the epoch's logs (progress line, History, callbacks).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "callback_list.h"
#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/core/weighted_loss.h"
#include "duet/keras/sequential.h"
#include "duet/keras/utils.h"
#include "input_checks.h"
#include "progbar.h"

namespace duet::keras {

struct Sequential::TrainingData {
  Tensor x, y;
  std::optional<std::pair<Tensor, Tensor>> validation;
  Tensor sample_weight;  ///< [N, 1], or undefined without class or sample weights
};

namespace {

// Keras 3's Trainer.compute_loss: the compiled loss plus the sum of every layer's regularization
// losses (Layer.losses), in fit and in evaluate alike, so the reported loss includes them.
Tensor with_regularization(Tensor loss, const std::vector<std::shared_ptr<layers::Layer>>& model_layers) {
  for (const auto& layer : model_layers)
    for (const auto& penalty : layer->losses()) loss = add(loss, penalty);
  return loss;
}

// A few values in place (the loss and a few metrics), on the heap only past kInline: fit pays
// its set-up on every call, and a small model's epoch costs about as much as two allocations.
template <typename T>
class InlineValues {
 public:
  static constexpr std::size_t kInline = 8;
  explicit InlineValues(std::size_t count, T value = T()) : size_(count) {
    if (count > kInline) heap_.assign(count, value);
    else std::fill(inline_.begin(), inline_.end(), value);
  }
  std::size_t size() const { return size_; }
  T* begin() { return size_ > kInline ? heap_.data() : inline_.data(); }
  const T* begin() const { return size_ > kInline ? heap_.data() : inline_.data(); }
  T* end() { return begin() + size_; }
  const T* end() const { return begin() + size_; }
  T& operator[](std::size_t i) { return begin()[i]; }
  const T& operator[](std::size_t i) const { return begin()[i]; }

 private:
  std::array<T, kInline> inline_;
  std::vector<T> heap_;
  std::size_t size_;
};

// Running means of the loss and metrics weighted by batch size (Keras' Mean metrics).
class RunningMeans {
 public:
  explicit RunningMeans(std::size_t count) : sums_(count, 0.0) {}
  void reset() {
    std::fill(sums_.begin(), sums_.end(), 0.0);
    seen_ = 0;
  }
  void add(const InlineValues<double>& values, std::int64_t batch) {
    for (std::size_t i = 0; i < values.size(); ++i) sums_[i] += values[i] * static_cast<double>(batch);
    seen_ += batch;
  }
  std::vector<double> means() const {
    std::vector<double> out;
    write_means(out);
    return out;
  }
  // Into `out`, reusing its storage.
  void write_means(std::vector<double>& out) const {
    out.resize(sums_.size());
    for (std::size_t i = 0; i < sums_.size(); ++i) out[i] = sums_[i] / static_cast<double>(seen_);
  }

 private:
  InlineValues<double> sums_;
  std::int64_t seen_ = 0;
};

// (name, value) pairs in log order, as the progress line shows them.
std::vector<std::pair<std::string, double>> zip(const std::vector<std::string>& names,
                                                const std::vector<double>& values) {
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], values[i]);
  return out;
}

int step_count(std::int64_t rows, std::int64_t batch_size) { return static_cast<int>((rows + batch_size - 1) / batch_size); }

// Rows [begin, end) of t, in the shuffled `order` when it is not empty; all of t when `whole`.
Tensor batch_rows(const Tensor& t, const std::vector<std::int64_t>& order, std::int64_t begin, std::int64_t end,
                  bool whole) {
  if (whole) return t;
  if (order.empty()) return slice_rows(t, begin, end);
  return gather_rows(t, std::vector<std::int64_t>(order.begin() + begin, order.begin() + end));
}

void check_fit_options(const FitOptions& options) {
  if (options.epochs < 0) throw Error(fmt::format("fit: epochs must not be negative, got {}", options.epochs));
  if (options.batch_size <= 0) throw Error(fmt::format("fit: batch_size must be positive, got {}", options.batch_size));
  if (options.verbose < 0 || options.verbose > 2) {
    throw Error(fmt::format("fit: verbose must be 0, 1 or 2, got {}", options.verbose));
  }
  if (!(options.validation_split >= 0 && options.validation_split < 1)) {
    throw Error(fmt::format("fit: validation_split must be in [0, 1), got {:g}", options.validation_split));
  }
}

}  // namespace

// What run_epoch keeps from one epoch to the next: set up once per fit.
struct Sequential::EpochRun {
  EpochRun(std::vector<std::string> names_, std::vector<Tensor> weights_)
      : names(std::move(names_)), weights(std::move(weights_)), means(names.size()), values(names.size()) {}

  std::vector<std::string> names;  // loss and metrics, as logged
  std::vector<Tensor> weights;     // the trainable weights the optimiser updates
  RunningMeans means;
  InlineValues<double> values;
  int steps_run = 0;
  std::vector<double> logs;  // the epoch's means, then the validation values
};

Tensor Sequential::checked_targets(const char* method, const Tensor& x, const Tensor& y, const char* x_name,
                                   const char* y_name) {
  detail::require_samples(x, method, x_name);
  if (!y.defined()) throw Error(fmt::format("{}: {} is missing", method, y_name));
  // Keras expands 1-D targets to one column (keras/src/losses/loss.py squeeze_or_expand_to_same_rank).
  const Tensor y2 = y.rank() == 1 ? reshape(y, Shape{y.shape()[0], 1}) : y;
  if (y2.rank() != 2) {
    throw Error(fmt::format("{}: {} must be 1-D [samples] or 2-D [samples, outputs], got shape {}", method, y_name,
                            y.shape().str()));
  }
  detail::require_matrix(y2, method, y_name);
  if (x.shape()[0] != y2.shape()[0]) {
    throw Error(fmt::format("{}: {} and {} must have the same number of samples, got {} {} and {} {}", method, x_name,
                            y_name, x_name, x.shape().str(), y_name, y.shape().str()));
  }
  ensure_built(x);  // builds an unbuilt model and checks the sample shape
  const bool sparse = loss_->name == "sparse_categorical_crossentropy";  // y holds class indices
  if (!sparse && y2.shape()[1] != output_dim()) {
    throw Error(fmt::format("{}: the model outputs {} values per sample but {} has shape {}", method, output_dim(),
                            y_name, y.shape().str()));
  }
  return y2;
}

namespace {
// keras/src/trainers/data_adapters/data_adapter_utils.py class_weight_to_sample_weights: the class of
// a row is its argmax when y has several columns, else its rounded value; unlisted classes weigh 1.
Tensor sample_weights(const Tensor& y, const FitOptions& options) {
  const std::int64_t n = y.shape()[0], columns = y.shape()[1];
  if (!options.class_weight.empty() && options.sample_weight.defined()) {
    throw Error("fit: You cannot `class_weight` and `sample_weight` at the same time.");
  }
  if (options.sample_weight.defined()) {
    const Tensor& w = options.sample_weight;
    if (w.numel() != n || w.rank() > 2 || (w.rank() == 2 && w.shape()[1] != 1)) {
      throw Error(fmt::format("fit: sample_weight must have one weight per sample ({}), got shape {}", n, w.shape().str()));
    }
    require_finite(reshape(w, Shape{n, 1}), "fit: sample_weight");
    return reshape(w, Shape{n, 1});
  }
  std::vector<float> weights(static_cast<std::size_t>(n), 1.0f);
  for (std::int64_t r = 0; r < n; ++r) {
    std::int64_t cls = 0;
    if (columns > 1) {
      for (std::int64_t c = 1; c < columns; ++c) cls = y.at(r, c) > y.at(r, cls) ? c : cls;
    } else {
      cls = static_cast<std::int64_t>(std::nearbyint(y.at(r, 0)));
    }
    const auto it = options.class_weight.find(cls);
    if (it != options.class_weight.end()) weights[static_cast<std::size_t>(r)] = it->second;
  }
  return Tensor::from_data(Shape{n, 1}, weights);
}
}  // namespace

Sequential::TrainingData Sequential::training_data(const Tensor& x, const Tensor& y, const FitOptions& options) {
  TrainingData data{x, checked_targets("fit", x, y, "x", "y"), std::nullopt, Tensor{}};
  const bool weighted = !options.class_weight.empty() || options.sample_weight.defined();
  if (weighted) data.sample_weight = sample_weights(data.y, options);
  if (options.validation_data) {
    const auto& [vx, vy] = *options.validation_data;
    data.validation = std::pair{vx, checked_targets("fit", vx, vy, "validation_data x", "validation_data y")};
  } else if (options.validation_split > 0) {
    // keras/src/trainers/data_adapters/data_adapter_utils.py: the split takes the last rows, before shuffling.
    const std::int64_t n = x.shape()[0];
    const auto split_at = static_cast<std::int64_t>(std::floor(static_cast<double>(n) * (1.0 - options.validation_split)));
    if (split_at == 0 || split_at == n) {
      throw Error(fmt::format("fit: validation_split={:g} leaves no {} samples out of {}", options.validation_split,
                              split_at == 0 ? "training" : "validation", n));
    }
    data.validation = std::pair{slice_rows(data.x, split_at, n), slice_rows(data.y, split_at, n)};
    data.x = slice_rows(data.x, 0, split_at);
    data.y = slice_rows(data.y, 0, split_at);
    if (weighted) data.sample_weight = slice_rows(data.sample_weight, 0, split_at);
  }
  return data;
}

void Sequential::check_finite_epoch_loss(double loss, int epoch, bool stopping) const {
  if (std::isfinite(loss) || stopping) return;
  throw Error(fmt::format("fit: the loss became {} in epoch {}: training diverged (is the learning rate of {:g} too "
                          "high?)",
                          loss, epoch + 1, optimizer_->learning_rate()));
}

History Sequential::fit(const Tensor& x, const Tensor& y, FitOptions options) {
  require_compiled("fit");
  check_fit_options(options);
  const TrainingData data = training_data(x, y, options);
  resolve_metrics();
  EpochRun run{metrics_names(), trainable_weights()};
  // Keras' epoch logs: loss and metrics, then the same prefixed with "val_" (a copy only then:
  // fit's set-up is paid on every call, and a small model's epoch costs less than an allocation).
  std::vector<std::string> with_validation;
  if (data.validation) {
    with_validation = run.names;
    for (const auto& name : run.names) with_validation.push_back("val_" + name);
  }
  const std::vector<std::string>& names = data.validation ? with_validation : run.names;
  detail::CallbackList callbacks(options.callbacks, *this);
  History history;
  // Room for every epoch's logs up front (capped: early stopping may end a long run soon), so
  // an epoch allocates nothing for them.
  const auto expected_epochs = static_cast<std::size_t>(std::min(options.epochs, 4096));
  history.epoch.reserve(expected_epochs);
  InlineValues<std::vector<double>*> columns(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    columns[i] = &history.history[names[i]];
    columns[i]->reserve(expected_epochs);
  }
  const int steps = step_count(data.x.shape()[0], std::min<std::int64_t>(options.batch_size, data.x.shape()[0]));
  const bool dynamic = options.verbose == 1 && detail::stdout_is_terminal();

  stop_training = false;
  callbacks.on_train_begin();
  for (int epoch = 0; epoch < options.epochs && !stop_training; ++epoch) {
    callbacks.on_epoch_begin(epoch);
    if (options.verbose > 0) utils::logger()->info("Epoch {}/{}\n", epoch + 1, options.epochs);
    std::optional<detail::Progbar> progbar;
    if (options.verbose > 0) progbar.emplace(steps, options.verbose, dynamic);
    run_epoch(data, options, run, progbar ? &*progbar : nullptr, callbacks);
    std::vector<double>& logs = run.logs;
    if (data.validation) {
      const auto val = measure(data.validation->first, data.validation->second, options.batch_size, nullptr);
      logs.insert(logs.end(), val.begin(), val.end());
    }
    if (progbar) progbar->update(run.steps_run, zip(names, logs), /*finalize=*/true);
    history.epoch.push_back(epoch);
    for (std::size_t i = 0; i < names.size(); ++i) columns[i]->push_back(logs[i]);
    check_finite_epoch_loss(logs[0], epoch, stop_training);
    callbacks.on_epoch_end(epoch, names, logs);
  }
  callbacks.on_train_end();
  return history;
}

void Sequential::run_epoch(const TrainingData& data, const FitOptions& options, EpochRun& run,
                                          detail::Progbar* progbar, detail::CallbackList& callbacks) {
  const std::int64_t n = data.x.shape()[0];
  const std::int64_t batch = std::min<std::int64_t>(options.batch_size, n);
  const int steps = step_count(n, batch);
  const std::vector<std::int64_t> order =
      options.shuffle ? utils::default_generator().permutation(n) : std::vector<std::int64_t>{};
  const bool whole = steps == 1 && order.empty();
  const auto& names = run.names;
  auto& means = run.means;
  auto& values = run.values;
  int& steps_run = run.steps_run;
  means.reset();
  steps_run = 0;
  while (steps_run < steps && !stop_training) {
    const std::int64_t begin = steps_run * batch, end = std::min(n, begin + batch);
    const Tensor xb = batch_rows(data.x, order, begin, end, whole), yb = batch_rows(data.y, order, begin, end, whole);
    const Tensor pred = forward(xb, true);  // x was checked once, before the first epoch
    // Weighted: the per-sample losses times their weights, summed and divided by the batch size;
    // then the layers' regularisation penalties, as Keras adds them to the loss.
    Tensor loss = with_regularization(
        data.sample_weight.defined()
            ? sample_weighted_mean(loss_->per_sample(yb, pred),
                                   reshape(batch_rows(data.sample_weight, order, begin, end, whole), Shape{end - begin}))
            : loss_->fn(yb, pred),
        layers_);
    for (auto w : run.weights) w.zero_grad();
    loss.backward();
    optimizer_->apply_gradients(run.weights);
    // Keras' epoch loss: the mean of batch losses weighted by batch size, each taken before
    // its batch's update; metrics likewise on the same predictions.
    values[0] = static_cast<double>(loss.item());
    if (!metrics_.empty()) {
      NoGradGuard no_grad;
      for (std::size_t m = 0; m < metrics_.size(); ++m) values[m + 1] = metrics_[m].batch_mean(yb, pred);
    }
    means.add(values, end - begin);
    ++steps_run;
    if (!callbacks.empty()) callbacks.on_train_batch_end(steps_run - 1, names, means.means());
    // The final line of the epoch, with validation values, is drawn by fit.
    if (progbar && steps_run < steps && !stop_training) progbar->update(steps_run, zip(names, means.means()));
  }
  means.write_means(run.logs);
}

std::vector<double> Sequential::measure(const Tensor& x, const Tensor& y, int batch_size, detail::Progbar* progbar) {
  NoGradGuard no_grad;
  const std::vector<std::string> names = metrics_names();
  RunningMeans means(names.size());
  InlineValues<double> values(names.size());
  const std::int64_t n = x.shape()[0];
  const int steps = step_count(n, batch_size);
  for (int step = 0; step < steps; ++step) {
    const std::int64_t begin = step * std::int64_t{batch_size}, end = std::min<std::int64_t>(n, begin + batch_size);
    const Tensor xb = batch_rows(x, {}, begin, end, steps == 1), yb = batch_rows(y, {}, begin, end, steps == 1);
    const Tensor pred = forward(xb, false);
    values[0] = static_cast<double>(with_regularization(loss_->fn(yb, pred), layers_).item());
    for (std::size_t m = 0; m < metrics_.size(); ++m) values[m + 1] = metrics_[m].batch_mean(yb, pred);
    means.add(values, end - begin);
    if (progbar) progbar->update(step + 1, zip(names, means.means()), step + 1 == steps);
  }
  return means.means();
}

Scores Sequential::evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options) {
  require_compiled("evaluate");
  if (options.batch_size <= 0) throw Error(fmt::format("evaluate: batch_size must be positive, got {}", options.batch_size));
  if (options.verbose < 0 || options.verbose > 2) {
    throw Error(fmt::format("evaluate: verbose must be 0, 1 or 2, got {}", options.verbose));
  }
  const Tensor targets = checked_targets("evaluate", x, y, "x", "y");
  resolve_metrics();
  detail::Progbar progbar(step_count(x.shape()[0], options.batch_size), options.verbose == 0 ? 0 : 1,
                          options.verbose == 1 && detail::stdout_is_terminal());
  return Scores(metrics_names(), measure(x, targets, options.batch_size, &progbar));
}

}  // namespace duet::keras
