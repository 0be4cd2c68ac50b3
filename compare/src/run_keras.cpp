// The Keras side of a comparison, written as a Keras user would write it.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "duet/compare/analysis.h"
#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "duet/core/error.h"
#include "duet/keras.h"
#include "layers/layer_kind.h"
#include "keras_side.h"

namespace duet::compare {

namespace {

keras::losses::Loss keras_loss(const Experiment& e) {
  const auto& k = e.keras;
  if (k.loss == "huber") return keras::losses::Huber(k.huber_delta);
  if (k.loss == "categorical_crossentropy" && e.class_index_targets()) {
    throw Error("keras.loss: categorical_crossentropy needs one-hot y rows; with class indices in y use "
                "sparse_categorical_crossentropy");
  }
  if (k.loss == "sparse_categorical_crossentropy" && !e.class_index_targets()) {
    throw Error("keras.loss: sparse_categorical_crossentropy needs y as one column of class indices");
  }
  if (k.loss == "binary_crossentropy") return keras::losses::BinaryCrossentropy(k.from_logits, k.label_smoothing);
  if (k.loss == "categorical_crossentropy") {
    return keras::losses::CategoricalCrossentropy(k.from_logits, k.label_smoothing);
  }
  if (k.loss == "sparse_categorical_crossentropy") return keras::losses::SparseCategoricalCrossentropy(k.from_logits);
  return keras::losses::get(k.loss);
}

// The Keras model as an experiment describes it, built with its default initialisers.
keras::Sequential build_keras_model(const Experiment& e) {
  keras::Sequential model;
  walk_layers(sample_shape(e.x), e.layers, false,
              [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
                model.add(kind.keras_layer(spec, ctx));
              });
  Generator init_gen(e.seed);
  model.build(sample_shape(e.x), &init_gen);
  return model;
}

// Every layer's weights by name, in Keras' variable order, as copies.
std::vector<NamedWeights> named_weights(const keras::Sequential& model) {
  std::vector<NamedWeights> out;
  for (const auto& layer : model.layers()) {
    NamedWeights w;
    for (const auto& v : layer->weights()) w.emplace_back(v.name, v.value.detach());
    out.push_back(std::move(w));
  }
  return out;
}

// Loads weights by name (Keras' names and layout) into every layer of a built model.
void load_named_weights(keras::Sequential& model, const std::vector<NamedWeights>& weights) {
  for (std::size_t i = 0; i < model.layers().size(); ++i)
    for (auto& v : model.layers()[i]->weights()) v.value.mutable_data() = weight(weights.at(i), v.name).data();
}

}  // namespace

std::vector<NamedWeights> keras_default_weights(const Experiment& e) { return named_weights(build_keras_model(e)); }

std::vector<Tensor> keras_predictions_at(const Experiment& e, const std::vector<std::vector<NamedWeights>>& points) {
  keras::Sequential model = build_keras_model(e);
  std::vector<Tensor> out;
  out.reserve(points.size());
  for (const auto& point : points) {
    load_named_weights(model, point);
    out.push_back(model.predict(e.predict));
  }
  return out;
}

std::string keras_summary_text(const Experiment& e) { return build_keras_model(e).summary_text(); }

std::vector<double> keras_losses_at(const Experiment& e, const std::vector<std::vector<NamedWeights>>& points) {
  keras::Sequential model = build_keras_model(e);
  const keras::losses::Loss loss = keras_loss(e);
  std::vector<double> out;
  out.reserve(points.size());
  for (const auto& point : points) {
    load_named_weights(model, point);
    const auto rows = static_cast<int>(std::min<std::int64_t>(e.x.shape()[0], 1 << 20));
    out.push_back(static_cast<double>(loss.fn(e.y, model.predict(e.x, rows)).item()));
  }
  return out;
}

SideReport run_keras(const Experiment& e, const WeightObserver& observe) {
  using namespace duet::keras;
  utils::set_random_seed(e.seed);  // seeds fit()'s shuffling
  Sequential model = build_keras_model(e);
  if (e.initial_weights) {
    // By name: the parser checked every name and shape against the layer kinds.
    for (std::size_t i = 0; i < model.layers().size(); ++i) {
      for (auto& v : model.layers()[i]->weights()) v.value.mutable_data() = weight((*e.initial_weights)[i], v.name).data();
    }
  }
  model.compile(make_keras_optimizer(e.keras.optimizer), keras_loss(e));

  std::vector<callbacks::CallbackRef> hooks;
  if (observe) {
    observe(0, named_weights(model));
    auto trace = std::make_shared<callbacks::LambdaCallback>();
    trace->on_epoch_end_fn = [&](int epoch, const Logs&) { observe(epoch + 1, named_weights(model)); };
    hooks.emplace_back(trace);
  }

  SideReport report;
  const auto start = std::chrono::steady_clock::now();
  const History history = model.fit(e.x, e.y,
                                    {.epochs = e.epochs,
                                     .batch_size = e.keras_batch_size(),
                                     .shuffle = e.keras_shuffle(),
                                     .verbose = 0,
                                     .callbacks = hooks,
                                     .class_weight = e.keras.class_weight});
  report.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (e.epochs > 0) report.loss_history = history["loss"];
  report.predictions = model.predict(e.predict).to_rows();
  report.weights = named_weights(model);
  return report;
}

}  // namespace duet::compare
