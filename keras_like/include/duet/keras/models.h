/// @file
/// keras.models: clone_model.
#pragma once

#include "duet/keras/sequential.h"

namespace duet::keras::models {

/// A new model with the same layers (types, configuration and names) and fresh weights drawn
/// by each layer's initializers, as keras.models.clone_model: nothing is shared with `model`,
/// the clone is not compiled, and it is built when `model` is (drawing from keras.utils'
/// generator, so set_random_seed makes it repeatable). For a copy with the same values, follow it with
/// clone.set_weights(model.get_weights()). An adapted Normalization comes back unadapted, as its
/// statistics are weights, not configuration.
Sequential clone_model(const Sequential& model);

}  // namespace duet::keras::models
