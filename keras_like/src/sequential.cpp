#include "duet/keras/sequential.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <optional>

#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/utils.h"
#include "progbar.h"
#include "duet/core/tensor_file.h"

namespace duet::keras {

OptimizerSpec::OptimizerSpec(const std::string& name) : ptr_(optimizers::get(name)) {}

namespace {

std::string snake_case(const std::string& class_name) {
  std::string s;
  for (char c : class_name) {
    if (std::isupper(static_cast<unsigned char>(c)) && !s.empty()) s += '_';
    s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

// x must be [rows, features] with finite values; `what` names the argument in messages.
void require_matrix(const Tensor& t, const char* method, const char* what) {
  if (!t.defined()) throw Error(fmt::format("{}: {} is missing", method, what));
  if (t.rank() != 2) {
    throw Error(fmt::format("{}: {} must be 2-D [samples, features], got shape {}", method, what, t.shape().str()));
  }
  if (t.shape()[0] == 0) throw Error(fmt::format("{}: {} is empty (shape {})", method, what, t.shape().str()));
  require_finite(t, fmt::format("{}: {}", method, what));
}

}  // namespace

Sequential::Sequential(std::initializer_list<layers::LayerRef> layers) {
  for (const auto& l : layers) add(l);
}

void Sequential::add(layers::LayerRef layer) {
  const auto& ptr = layer.get();
  if (!ptr) throw Error("Sequential.add: the layer is null");
  if (!layers_.empty() && ptr->input_shape()) {
    throw Error("Sequential.add: only the first layer may declare input_shape");
  }
  int same_kind = 0;
  for (const auto& l : layers_) same_kind += l->class_name() == ptr->class_name();
  const std::string base = snake_case(ptr->class_name());
  ptr->set_name(same_kind == 0 ? base : fmt::format("{}_{}", base, same_kind));
  if (built()) {  // Keras builds a layer added to a built model at once
    std::int64_t dim = *input_dim_;
    for (const auto& l : layers_) dim = l->output_dim(dim);
    ptr->build(dim, utils::default_generator());
  }
  layers_.push_back(ptr);
  if (layers_.size() == 1 && ptr->input_shape()) build((*ptr->input_shape())[0]);
}

void Sequential::build(std::int64_t input_dim, Generator* generator) {
  if (layers_.empty()) throw Error("Sequential.build: the model has no layers");
  if (input_dim <= 0) throw Error(fmt::format("Sequential.build: input_dim must be positive, got {}", input_dim));
  Generator& gen = generator ? *generator : utils::default_generator();
  std::int64_t dim = input_dim;
  for (auto& l : layers_) {
    l->build(dim, gen);
    dim = l->output_dim(dim);
  }
  input_dim_ = input_dim;
}

void Sequential::ensure_built(const Tensor& x) {
  if (!built()) build(x.shape()[1]);
  if (x.shape()[1] != *input_dim_) {
    throw Error(fmt::format("Input 0 of layer '{}' is incompatible with the layer: expected {} features per sample, "
                            "found shape {}",
                            layers_.front()->name(), *input_dim_, x.shape().str()));
  }
}

void Sequential::compile(OptimizerSpec optimizer, LossSpec loss, std::vector<std::string> metrics) {
  if (!optimizer.get()) throw Error("compile: the optimizer is null");
  for (const auto& m : metrics) metrics::get(m, loss.get().name, 1);  // unknown names fail here
  optimizer_ = optimizer.get();
  loss_ = loss.get();
  metric_ids_ = std::move(metrics);
  metrics_.clear();
}

void Sequential::resolve_metrics() {
  // "accuracy" depends on the output width, known once the model is built (as in Keras, which
  // resolves compiled metrics on the first batch).
  metrics_.clear();
  for (const auto& id : metric_ids_) metrics_.push_back(metrics::get(id, loss_->name, output_dim()));
}

void Sequential::require_compiled(const char* what) const {
  if (!optimizer_ || !loss_) {
    throw Error(fmt::format("You must call `compile()` before `{}()`", what));
  }
}

optimizers::Optimizer& Sequential::optimizer() const {
  require_compiled("optimizer");
  return *optimizer_;
}

std::int64_t Sequential::output_dim() const {
  std::int64_t dim = *input_dim_;
  for (const auto& l : layers_) dim = l->output_dim(dim);
  return dim;
}

Tensor Sequential::call(const Tensor& x, bool training) {
  require_matrix(x, "call", "x");
  ensure_built(x);
  return forward(x, training);
}

Tensor Sequential::forward(const Tensor& x, bool training) {
  Tensor h = x;
  for (auto& l : layers_) h = l->call(h, training);
  return h;
}

std::vector<Tensor> Sequential::trainable_weights() const {
  std::vector<Tensor> out;
  for (const auto& l : layers_)
    for (auto& w : l->weights()) out.push_back(w);
  return out;
}

namespace {

// Running sums of the loss and metrics, weighted by batch size (Keras' Mean metrics).
class EpochMeans {
 public:
  explicit EpochMeans(const std::vector<std::string>& names) : names_(names), sums_(names.size(), 0.0) {}
  void reset() {
    std::fill(sums_.begin(), sums_.end(), 0.0);
    seen_ = 0;
  }
  void add(const std::vector<double>& values, std::int64_t batch) {
    for (std::size_t i = 0; i < values.size(); ++i) sums_[i] += values[i] * static_cast<double>(batch);
    seen_ += batch;
  }
  double mean(std::size_t i) const { return sums_[i] / static_cast<double>(seen_); }
  std::vector<std::pair<std::string, double>> means() const {
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i < names_.size(); ++i) out.emplace_back(names_[i], mean(i));
    return out;
  }

 private:
  const std::vector<std::string>& names_;
  std::vector<double> sums_;
  std::int64_t seen_ = 0;
};

// Rows [begin, end) of x, or of the order `order` when shuffling.
Tensor batch_rows(const Tensor& t, const std::vector<std::int64_t>& order, std::int64_t begin, std::int64_t end,
                  bool whole) {
  if (whole) return t;
  if (order.empty()) return slice_rows(t, begin, end);
  return gather_rows(t, std::vector<std::int64_t>(order.begin() + begin, order.begin() + end));
}

}  // namespace

Logs Sequential::measure(const Tensor& x, const Tensor& y, int batch_size, detail::Progbar* progbar) {
  NoGradGuard no_grad;
  std::vector<std::string> names{"loss"};
  for (const auto& m : metrics_) names.push_back(m.name);
  EpochMeans means(names);
  const std::int64_t n = x.shape()[0];
  const int steps = static_cast<int>((n + batch_size - 1) / batch_size);
  for (int step = 0; step < steps; ++step) {
    const std::int64_t begin = step * std::int64_t{batch_size}, end = std::min<std::int64_t>(n, begin + batch_size);
    const Tensor xb = batch_rows(x, {}, begin, end, steps == 1), yb = batch_rows(y, {}, begin, end, steps == 1);
    const Tensor pred = forward(xb, false);
    std::vector<double> values{static_cast<double>(loss_->fn(yb, pred).item())};
    for (const auto& m : metrics_) values.push_back(m.batch_mean(yb, pred));
    means.add(values, end - begin);
    if (progbar) progbar->update(step + 1, means.means(), step + 1 == steps);
  }
  Logs logs;
  for (const auto& [k, v] : means.means()) logs[k] = v;
  return logs;
}

void Sequential::check_finite_epoch_loss(double loss, int epoch, bool stopping) const {
  if (std::isfinite(loss) || stopping) return;
  throw Error(fmt::format("fit: the loss became {} in epoch {}: training diverged (is the learning rate of {:g} too "
                          "high?)",
                          loss, epoch + 1, optimizer_->learning_rate()));
}

History Sequential::fit(const Tensor& x_all, const Tensor& y_all, FitOptions options) {
  require_compiled("fit");
  require_matrix(x_all, "fit", "x");
  require_matrix(y_all, "fit", "y");
  if (x_all.shape()[0] != y_all.shape()[0]) {
    throw Error(fmt::format("fit: x and y must have the same number of samples, got x {} and y {}",
                            x_all.shape().str(), y_all.shape().str()));
  }
  if (options.epochs < 0) throw Error(fmt::format("fit: epochs must not be negative, got {}", options.epochs));
  if (options.batch_size <= 0) throw Error(fmt::format("fit: batch_size must be positive, got {}", options.batch_size));
  if (options.verbose < 0 || options.verbose > 2) {
    throw Error(fmt::format("fit: verbose must be 0, 1 or 2, got {}", options.verbose));
  }
  if (!(options.validation_split >= 0 && options.validation_split < 1)) {
    throw Error(fmt::format("fit: validation_split must be in [0, 1), got {:g}", options.validation_split));
  }
  ensure_built(x_all);
  resolve_metrics();
  const auto check_targets = [&](const Tensor& y, const char* what) {
    const bool sparse = loss_->name == "sparse_categorical_crossentropy";
    if (!sparse && y.shape()[1] != output_dim()) {
      throw Error(fmt::format("fit: the model outputs {} values per sample but {} has shape {}", output_dim(), what,
                              y.shape().str()));
    }
  };
  check_targets(y_all, "y");

  // keras/src/trainers/data_adapters/data_adapter_utils.py: the split takes the last rows.
  Tensor x = x_all, y = y_all;
  std::optional<std::pair<Tensor, Tensor>> validation = options.validation_data;
  if (validation) {
    require_matrix(validation->first, "fit", "validation_data x");
    require_matrix(validation->second, "fit", "validation_data y");
    ensure_built(validation->first);  // checks its width against the model's input
    check_targets(validation->second, "validation_data y");
  } else if (options.validation_split > 0) {
    const std::int64_t n_all = x_all.shape()[0];
    const auto split_at = static_cast<std::int64_t>(std::floor(static_cast<double>(n_all) * (1.0 - options.validation_split)));
    if (split_at == 0 || split_at == n_all) {
      throw Error(fmt::format("fit: validation_split={:g} leaves no {} samples out of {}", options.validation_split,
                              split_at == 0 ? "training" : "validation", n_all));
    }
    x = slice_rows(x_all, 0, split_at);
    y = slice_rows(y_all, 0, split_at);
    validation = std::pair{slice_rows(x_all, split_at, n_all), slice_rows(y_all, split_at, n_all)};
  }

  const std::int64_t n = x.shape()[0];
  const std::int64_t batch = std::min<std::int64_t>(options.batch_size, n);
  const int steps = static_cast<int>((n + batch - 1) / batch);
  const auto weights = trainable_weights();
  const bool dynamic = options.verbose == 1 && detail::stdout_is_terminal();
  auto log = utils::logger();
  std::vector<std::string> names{"loss"};
  for (const auto& m : metrics_) names.push_back(m.name);
  for (auto& cb : options.callbacks) cb->set_model(this);
  stop_training = false;
  History history;
  for (auto& cb : options.callbacks) cb->on_train_begin({});

  // The plain case (nothing displayed, no callbacks, no validation) appends straight to History.
  const bool plain = options.verbose == 0 && options.callbacks.empty() && !validation;
  std::vector<std::vector<double>*> plain_history;
  for (const auto& name : names) plain_history.push_back(&history.history[name]);
  EpochMeans means(names);
  std::vector<double> values(names.size());
  std::vector<std::int64_t> order;

  for (int epoch = 0; epoch < options.epochs && !stop_training; ++epoch) {
    for (auto& cb : options.callbacks) cb->on_epoch_begin(epoch, {});
    if (options.verbose > 0) log->info("Epoch {}/{}\n", epoch + 1, options.epochs);
    if (options.shuffle) order = utils::default_generator().permutation(n);
    std::optional<detail::Progbar> progbar;
    if (options.verbose > 0) progbar.emplace(steps, options.verbose, dynamic);
    means.reset();
    for (int step = 0; step < steps && !stop_training; ++step) {
      const std::int64_t begin = step * batch, end = std::min(n, begin + batch);
      const bool whole = steps == 1 && order.empty();
      const Tensor xb = batch_rows(x, order, begin, end, whole), yb = batch_rows(y, order, begin, end, whole);
      const Tensor pred = forward(xb, true);  // x was checked once, before the first epoch
      Tensor loss = loss_->fn(yb, pred);
      for (auto w : weights) w.zero_grad();
      loss.backward();
      optimizer_->apply_gradients(weights);
      // Keras' epoch loss: the mean of batch losses weighted by batch size, each taken before
      // its batch's update; metrics likewise on the same predictions.
      values[0] = static_cast<double>(loss.item());
      if (!metrics_.empty()) {
        NoGradGuard no_grad;
        for (std::size_t m = 0; m < metrics_.size(); ++m) values[m + 1] = metrics_[m].batch_mean(yb, pred);
      }
      means.add(values, end - begin);
      if (!options.callbacks.empty()) {
        Logs batch_logs;
        for (const auto& [k, v] : means.means()) batch_logs[k] = v;
        for (auto& cb : options.callbacks) cb->on_train_batch_end(step, batch_logs);
      }
      const bool last = step + 1 == steps || stop_training;
      if (!last && options.verbose == 0) continue;  // running means are only for display
      if (last && plain) {
        for (std::size_t i = 0; i < names.size(); ++i) plain_history[i]->push_back(means.mean(i));
        history.epoch.push_back(epoch);
        check_finite_epoch_loss(means.mean(0), epoch, stop_training);
        continue;
      }
      auto shown = means.means();
      if (last && validation) {
        for (const auto& [k, v] : measure(validation->first, validation->second, options.batch_size, nullptr)) {
          shown.emplace_back("val_" + k, v);
        }
      }
      if (progbar) progbar->update(step + 1, shown, last);
      if (last) {
        Logs epoch_logs;
        for (const auto& [k, v] : shown) epoch_logs[k] = v;
        for (const auto& [k, v] : epoch_logs) history.history[k].push_back(v);
        history.epoch.push_back(epoch);
        check_finite_epoch_loss(epoch_logs["loss"], epoch, stop_training);
        for (auto& cb : options.callbacks) cb->on_epoch_end(epoch, epoch_logs);
      }
    }
  }
  for (auto& cb : options.callbacks) cb->on_train_end({});
  return history;
}

Tensor Sequential::predict(const Tensor& x, int batch_size) {
  require_matrix(x, "predict", "x");
  if (batch_size <= 0) throw Error(fmt::format("predict: batch_size must be positive, got {}", batch_size));
  NoGradGuard no_grad;
  const std::int64_t n = x.shape()[0];
  if (n <= batch_size) return call(x, false);
  std::vector<Tensor> parts;
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    parts.push_back(call(slice_rows(x, begin, std::min<std::int64_t>(n, begin + batch_size)), false));
  }
  return concat(parts, 0);
}

Logs Sequential::evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options) {
  require_compiled("evaluate");
  require_matrix(x, "evaluate", "x");
  require_matrix(y, "evaluate", "y");
  if (x.shape()[0] != y.shape()[0]) {
    throw Error(fmt::format("evaluate: x and y must have the same number of samples, got x {} and y {}",
                            x.shape().str(), y.shape().str()));
  }
  if (options.batch_size <= 0) throw Error(fmt::format("evaluate: batch_size must be positive, got {}", options.batch_size));
  ensure_built(x);  // builds an unbuilt model and checks the input width
  resolve_metrics();
  const int steps = static_cast<int>((x.shape()[0] + options.batch_size - 1) / options.batch_size);
  detail::Progbar progbar(steps, options.verbose == 0 ? 0 : 1, options.verbose == 1 && detail::stdout_is_terminal());
  return measure(x, y, options.batch_size, &progbar);
}

std::vector<Tensor> Sequential::get_weights() const {
  if (!built()) throw Error("get_weights: the model is not built yet (give input_shape, or call fit or build)");
  std::vector<Tensor> out;
  for (const auto& w : trainable_weights()) out.push_back(w.detach());
  return out;
}

void Sequential::set_weights(const std::vector<Tensor>& weights) {
  if (!built()) throw Error("set_weights: the model is not built yet (give input_shape, or call build)");
  auto current = trainable_weights();
  if (weights.size() != current.size()) {
    throw Error(fmt::format("set_weights: the model has {} weights, got {}", current.size(), weights.size()));
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {  // check all before changing any
    if (!weights[i].defined() || !(weights[i].shape() == current[i].shape())) {
      throw Error(fmt::format("set_weights: weight {} has shape {}, the model expects {}", i,
                              weights[i].defined() ? weights[i].shape().str() : "undefined", current[i].shape().str()));
    }
  }
  for (std::size_t i = 0; i < weights.size(); ++i) current[i].mutable_data() = weights[i].data();
}

}  // namespace duet::keras

namespace duet::keras {

std::string Sequential::summary_text() const {
  // tf.keras 2's table (keras/utils/layer_utils.py print_summary), widths 29 / 26 / 10.
  const std::string rule(65, '_'), thick(65, '=');
  std::string s = "Model: \"sequential\"\n" + rule + "\n";
  s += fmt::format(" {:<28}{:<26}{:<10}\n", "Layer (type)", "Output Shape", "Param #");
  s += thick + "\n";
  std::int64_t total = 0, dim = input_dim_.value_or(0);
  bool first = true;
  for (const auto& l : layers_) {
    if (l->class_name() == "InputLayer") continue;
    if (!first) s += std::string(65, ' ') + "\n";
    first = false;
    std::int64_t params = 0;
    for (const auto& w : l->weights()) params += w.numel();
    total += params;
    std::string out_shape = "?";
    if (built()) {
      dim = l->output_dim(dim);
      out_shape = fmt::format("(None, {})", dim);
    }
    s += fmt::format(" {:<28}{:<26}{:<10}\n", fmt::format("{} ({})", l->name(), l->class_name()), out_shape, params);
  }
  s += thick + "\n";
  s += fmt::format("Total params: {}\nTrainable params: {}\nNon-trainable params: 0\n", total, total);
  return s + rule + "\n";
}

void Sequential::summary() const { utils::logger()->info("{}", summary_text()); }

namespace {
constexpr const char* kWeightsKind = "keras.weights";

// "dense/kernel", "dense/bias", ... in get_weights() order.
std::vector<std::string> weight_names(const std::vector<std::shared_ptr<layers::Layer>>& layers) {
  std::vector<std::string> names;
  for (const auto& l : layers) {
    const auto ws = l->weights();
    for (std::size_t i = 0; i < ws.size(); ++i) names.push_back(l->name() + (i == 0 ? "/kernel" : "/bias"));
  }
  return names;
}
}  // namespace

void Sequential::save_weights(const std::filesystem::path& path) const {
  const auto weights = get_weights();
  const auto names = weight_names(layers_);
  tensor_file::NamedTensors named;
  for (std::size_t i = 0; i < weights.size(); ++i) named.emplace_back(names[i], weights[i]);
  tensor_file::save(path, kWeightsKind, named);
}

void Sequential::load_weights(const std::filesystem::path& path) {
  if (!built()) throw Error("load_weights: the model is not built yet (give input_shape, or call build)");
  const auto named = tensor_file::load(path, kWeightsKind);
  const auto names = weight_names(layers_);
  if (named.size() != names.size()) {
    throw Error(fmt::format("load_weights: '{}' holds {} weights, the model has {}", path.string(), named.size(),
                            names.size()));
  }
  std::vector<Tensor> weights;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (named[i].first != names[i]) {
      throw Error(fmt::format("load_weights: '{}' has '{}' where the model has '{}'", path.string(), named[i].first,
                              names[i]));
    }
    weights.push_back(named[i].second);
  }
  set_weights(weights);  // checks every shape before changing anything
}

}  // namespace duet::keras
