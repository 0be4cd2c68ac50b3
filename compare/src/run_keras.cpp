// The Keras side of a comparison, written as a Keras user would write it.
#include <fmt/format.h>

#include <chrono>

#include "duet/compare/analysis.h"
#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "duet/core/error.h"
#include "duet/keras.h"

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
  return keras::losses::get(k.loss);
}

// The Keras model as an experiment describes it, built with its default initialisers.
keras::Sequential build_keras_model(const Experiment& e) {
  keras::Sequential model;
  for (const auto& l : e.layers) model.add(keras::layers::Dense(l.units, {.activation = l.activation}));
  Generator init_gen(e.seed);
  model.build(e.x.shape()[1], &init_gen);
  return model;
}

}  // namespace

std::vector<LayerWeights> keras_default_weights(const Experiment& e) {
  const auto weights = build_keras_model(e).get_weights();
  std::vector<LayerWeights> out;
  for (std::size_t i = 0; i < weights.size(); i += 2) out.push_back({weights[i], weights[i + 1]});
  return out;
}

SideReport run_keras(const Experiment& e) {
  using namespace duet::keras;
  utils::set_random_seed(e.seed);  // seeds fit()'s shuffling
  Sequential model = build_keras_model(e);
  if (e.initial_weights) {
    std::vector<Tensor> weights;
    for (const auto& w : *e.initial_weights) {
      weights.push_back(w.kernel);
      weights.push_back(w.bias);
    }
    model.set_weights(weights);
  }
  model.compile(make_keras_optimizer(e.keras.optimizer), keras_loss(e));

  SideReport report;
  const auto start = std::chrono::steady_clock::now();
  const History history = model.fit(
      e.x, e.y, {.epochs = e.epochs, .batch_size = e.keras_batch_size(), .shuffle = e.keras_shuffle(), .verbose = 0});
  report.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (e.epochs > 0) report.loss_history = history["loss"];
  report.predictions = model.predict(e.predict).to_rows();
  const auto weights = model.get_weights();
  for (std::size_t i = 0; i < weights.size(); i += 2) report.weights.push_back({weights[i], weights[i + 1]});
  return report;
}

}  // namespace duet::compare
