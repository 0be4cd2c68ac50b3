// Sequential: building the layer stack, compile, call / predict and the weights as a list. fit
// and evaluate are in training.cpp, summary() in summary.cpp, weight files in weights_file.cpp.
#include "duet/keras/sequential.h"

#include <fmt/format.h>

#include <cctype>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/utils.h"
#include "input_checks.h"

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
  if (built()) build_layer(*ptr, output_dim(), utils::default_generator());  // Keras builds it at once
  layers_.push_back(ptr);
  if (layers_.size() == 1 && ptr->input_shape()) build((*ptr->input_shape())[0]);
}

void Sequential::build(std::int64_t input_dim, Generator* generator) {
  if (layers_.empty()) throw Error("Sequential.build: the model has no layers");
  if (input_dim <= 0) throw Error(fmt::format("Sequential.build: input_dim must be positive, got {}", input_dim));
  Generator& gen = generator ? *generator : utils::default_generator();
  std::int64_t dim = input_dim;
  for (auto& l : layers_) {
    build_layer(*l, dim, gen);
    dim = l->output_dim(dim);
  }
  input_dim_ = input_dim;
}

void Sequential::build_layer(layers::Layer& layer, std::int64_t input_dim, Generator& generator) {
  if (!layer.built()) {
    layer.build(input_dim, generator);
    return;
  }
  if (*layer.built_input_dim() != input_dim) {
    throw Error(fmt::format("Input 0 of layer '{}' is incompatible with the layer: it was built for {} features per "
                            "sample, the model gives it {}",
                            layer.name(), *layer.built_input_dim(), input_dim));
  }
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

std::vector<std::string> Sequential::metrics_names() const {
  std::vector<std::string> names{"loss"};
  for (const auto& id : metric_ids_) names.push_back(id);
  return names;
}

Tensor Sequential::call(const Tensor& x, bool training) {
  detail::require_matrix(x, "call", "x");
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
    for (auto& w : l->trainable_weights()) out.push_back(w);
  return out;
}

std::vector<Tensor> Sequential::non_trainable_weights() const {
  std::vector<Tensor> out;
  for (const auto& l : layers_)
    for (auto& w : l->non_trainable_weights()) out.push_back(w);
  return out;
}

Tensor Sequential::predict(const Tensor& x, int batch_size) {
  detail::require_matrix(x, "predict", "x");
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

std::vector<Tensor> Sequential::get_weights() const {
  if (!built()) throw Error("get_weights: the model is not built yet (give input_shape, or call fit or build)");
  std::vector<Tensor> out;
  for (const auto& l : layers_)
    for (const auto& w : l->weights()) out.push_back(w.value.detach());
  return out;
}

void Sequential::set_weights(const std::vector<Tensor>& weights) {
  if (!built()) throw Error("set_weights: the model is not built yet (give input_shape, or call build)");
  std::vector<Tensor> current;
  for (const auto& l : layers_)
    for (const auto& w : l->weights()) current.push_back(w.value);
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
