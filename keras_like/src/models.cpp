// keras.models.clone_model for Sequential (keras/src/models/cloning.py): each layer rebuilt
// from its configuration, so the clone shares no weights with the original.
#include "duet/keras/models.h"

namespace duet::keras::models {

Sequential clone_model(const Sequential& model) {
  Sequential clone;
  for (const auto& layer : model.layers()) clone.add(layer->clone());
  if (model.input_dim() && !clone.built()) clone.build(*model.input_dim());
  return clone;
}

}  // namespace duet::keras::models
