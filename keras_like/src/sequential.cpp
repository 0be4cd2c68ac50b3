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

// Keras' to_snake_case (keras/src/utils/naming.py): an underscore before a capital that starts a
// word (followed by a lower-case letter) or follows a lower-case letter, so "Conv2D" -> "conv2d",
// "MaxPooling2D" -> "max_pooling2d", "BatchNormalization" -> "batch_normalization".
std::string snake_case(const std::string& class_name) {
  const auto upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
  const auto lower = [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; };
  std::string s;
  for (std::size_t i = 0; i < class_name.size(); ++i) {
    const char c = class_name[i];
    const bool starts_word = i + 1 < class_name.size() && lower(class_name[i + 1]);
    if (i > 0 && upper(c) && (starts_word || lower(class_name[i - 1]))) s += '_';
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
  if (built()) build_layer(*ptr, output_shape(), utils::default_generator());  // Keras builds it at once
  layers_.push_back(ptr);
  if (layers_.size() == 1 && ptr->input_shape()) build(*ptr->input_shape());
}

void Sequential::build(std::int64_t input_dim, Generator* generator) {
  if (input_dim <= 0) throw Error(fmt::format("Sequential.build: input_dim must be positive, got {}", input_dim));
  build(Shape{input_dim}, generator);
}

void Sequential::build(const Shape& input_shape, Generator* generator) {
  if (layers_.empty()) throw Error("Sequential.build: the model has no layers");
  if (input_shape.rank() < 1 || input_shape.rank() >= Shape::kMaxRank) {
    throw Error(fmt::format("Sequential.build: input_shape must have 1 to {} sizes (no batch axis), got {}",
                            Shape::kMaxRank - 1, input_shape.str()));
  }
  for (const auto d : input_shape) {
    if (d <= 0) throw Error(fmt::format("Sequential.build: input_shape sizes must be positive, got {}", input_shape.str()));
  }
  Generator& gen = generator ? *generator : utils::default_generator();
  Shape shape = input_shape;
  for (auto& l : layers_) {
    build_layer(*l, shape, gen);
    shape = l->compute_output_shape(shape);
  }
  input_shape_ = input_shape;
}

void Sequential::build_layer(layers::Layer& layer, const Shape& input_shape, Generator& generator) {
  if (!layer.built()) {
    layer.build(input_shape, generator);
    return;
  }
  if (!(*layer.built_input_shape() == input_shape)) {
    if (input_shape.rank() == 1 && layer.built_input_shape()->rank() == 1) {
      throw Error(fmt::format("Input 0 of layer '{}' is incompatible with the layer: it was built for {} features per "
                              "sample, the model gives it {}",
                              layer.name(), (*layer.built_input_shape())[0], input_shape[0]));
    }
    throw Error(fmt::format("Input 0 of layer '{}' is incompatible with the layer: it was built for samples of shape "
                            "{}, the model gives it {}",
                            layer.name(), layer.built_input_shape()->str(), input_shape.str()));
  }
}

namespace {

// The shape of one sample of `x`: x without its batch axis.
Shape sample_shape(const Tensor& x) { return Shape(x.shape().begin() + 1, x.shape().end()); }

}  // namespace

void Sequential::ensure_built(const Tensor& x) {
  if (!built()) build(sample_shape(x));
  if (!(sample_shape(x) == *input_shape_)) {
    if (input_shape_->rank() == 1) {
      throw Error(fmt::format("Input 0 of layer '{}' is incompatible with the layer: expected {} features per sample, "
                              "found shape {}",
                              layers_.front()->name(), (*input_shape_)[0], x.shape().str()));
    }
    throw Error(fmt::format("Input 0 of layer '{}' is incompatible with the layer: expected samples of shape {}, "
                            "found x of shape {}",
                            layers_.front()->name(), input_shape_->str(), x.shape().str()));
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

Shape Sequential::output_shape() const {
  if (!built()) throw Error("output_shape: the model is not built yet (give input_shape, or call fit or build)");
  Shape shape = *input_shape_;
  for (const auto& l : layers_) shape = l->compute_output_shape(shape);
  return shape;
}

std::int64_t Sequential::output_dim() const {
  const Shape shape = output_shape();
  return shape[shape.rank() - 1];
}

std::vector<std::string> Sequential::metrics_names() const {
  std::vector<std::string> names{"loss"};
  for (const auto& id : metric_ids_) names.push_back(id);
  return names;
}

Tensor Sequential::call(const Tensor& x, bool training) {
  detail::require_samples(x, "call", "x");
  ensure_built(x);
  return forward(x, training);
}

Tensor Sequential::forward(const Tensor& x, bool training) {
  Tensor h = x;
  for (auto& l : layers_) h = l->call(h, training);
  return h;
}

std::vector<Tensor> Sequential::trainable_weights() const {
  if (layers_.size() == 1) return layers_.front()->trainable_weights();  // fit asks on every call
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
  detail::require_samples(x, "predict", "x");
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
