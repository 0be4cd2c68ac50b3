#include "duet/keras/sequential.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/utils.h"
#include "progbar.h"

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
  const auto cols = t.shape()[1];
  const auto& v = t.data();
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw Error(fmt::format("{}: {} has a non-finite value ({}) at row {}, column {}", method, what, v[i],
                              i / cols, i % cols));
    }
  }
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

void Sequential::compile(OptimizerSpec optimizer, LossSpec loss) {
  if (!optimizer.get()) throw Error("compile: the optimizer is null");
  optimizer_ = optimizer.get();
  loss_ = loss.get();
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

Tensor Sequential::call(const Tensor& x, bool training) {
  require_matrix(x, "call", "x");
  ensure_built(x);
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

History Sequential::fit(const Tensor& x, const Tensor& y, FitOptions options) {
  require_compiled("fit");
  require_matrix(x, "fit", "x");
  require_matrix(y, "fit", "y");
  if (x.shape()[0] != y.shape()[0]) {
    throw Error(fmt::format("fit: x and y must have the same number of samples, got x {} and y {}", x.shape().str(),
                            y.shape().str()));
  }
  if (options.epochs < 0) throw Error(fmt::format("fit: epochs must not be negative, got {}", options.epochs));
  if (options.batch_size <= 0) throw Error(fmt::format("fit: batch_size must be positive, got {}", options.batch_size));
  if (options.verbose < 0 || options.verbose > 2) {
    throw Error(fmt::format("fit: verbose must be 0, 1 or 2, got {}", options.verbose));
  }
  ensure_built(x);
  std::int64_t out_dim = *input_dim_;
  for (const auto& l : layers_) out_dim = l->output_dim(out_dim);
  if (y.shape()[1] != out_dim) {
    throw Error(fmt::format("fit: the model outputs {} values per sample but y has shape {}", out_dim, y.shape().str()));
  }

  const std::int64_t n = x.shape()[0];
  const std::int64_t batch = std::min<std::int64_t>(options.batch_size, n);
  const int steps = static_cast<int>((n + batch - 1) / batch);
  const auto weights = trainable_weights();
  const bool dynamic = options.verbose == 1 && detail::stdout_is_terminal();
  auto log = utils::logger();
  History history;

  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    if (options.verbose > 0) log->info("Epoch {}/{}\n", epoch + 1, options.epochs);
    std::vector<std::int64_t> order;
    if (options.shuffle) order = utils::default_generator().permutation(n);
    detail::Progbar progbar(steps, options.verbose, dynamic);
    double weighted_loss = 0;
    std::int64_t seen = 0;
    for (int step = 0; step < steps; ++step) {
      const std::int64_t begin = step * batch, end = std::min(n, begin + batch);
      Tensor xb = x, yb = y;
      if (options.shuffle) {
        const std::vector<std::int64_t> idx(order.begin() + begin, order.begin() + end);
        xb = gather_rows(x, idx);
        yb = gather_rows(y, idx);
      } else if (steps > 1) {
        xb = slice_rows(x, begin, end);
        yb = slice_rows(y, begin, end);
      }
      Tensor loss = loss_->fn(yb, call(xb, true));
      for (auto w : weights) w.zero_grad();
      loss.backward();
      optimizer_->apply_gradients(weights);
      // Keras' epoch loss: the mean of batch losses weighted by batch size.
      weighted_loss += static_cast<double>(loss.item()) * static_cast<double>(end - begin);
      seen += end - begin;
      progbar.update(step + 1, {{"loss", weighted_loss / static_cast<double>(seen)}}, step + 1 == steps);
    }
    const double epoch_loss = weighted_loss / static_cast<double>(seen);
    history.history["loss"].push_back(epoch_loss);
    history.epoch.push_back(epoch);
    if (!std::isfinite(epoch_loss)) {
      throw Error(fmt::format("fit: the loss became {} in epoch {}: training diverged (is the learning rate of "
                              "{:g} too high?)",
                              epoch_loss, epoch + 1, optimizer_->learning_rate()));
    }
  }
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

double Sequential::evaluate(const Tensor& x, const Tensor& y, int batch_size) {
  require_compiled("evaluate");
  require_matrix(y, "evaluate", "y");
  const Tensor pred = predict(x, batch_size);
  if (!(pred.shape() == y.shape())) {
    throw Error(fmt::format("evaluate: predictions of shape {} do not match y of shape {}", pred.shape().str(),
                            y.shape().str()));
  }
  NoGradGuard no_grad;
  const std::int64_t n = x.shape()[0];
  double weighted = 0;
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t end = std::min<std::int64_t>(n, begin + batch_size);
    weighted += static_cast<double>(loss_->fn(slice_rows(y, begin, end), slice_rows(pred, begin, end)).item()) *
                static_cast<double>(end - begin);
  }
  return weighted / static_cast<double>(n);
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
