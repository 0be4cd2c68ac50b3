// keras.models.clone_model for Sequential (keras/src/models/cloning.py): each layer rebuilt
// from its configuration, so the clone shares no weights with the original.
#include "duet/keras/models.h"

namespace duet::keras::models {

Sequential clone_model(const Sequential& model) {
  Sequential clone;
  for (const auto& layer : model.layers()) clone.add(layer->clone());
  if (model.built_input_shape() && !clone.built()) clone.build(*model.built_input_shape());
  return clone;
}

}  // namespace duet::keras::models
