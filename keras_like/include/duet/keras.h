/// @file
/// Duet's Keras-style API: one include for Sequential / Dense / compile / fit / predict / evaluate.
///
///   using namespace duet::keras;
///   Sequential model({layers::Dense(1, {.input_shape = {1}})});
///   model.compile("sgd", "mean_squared_error");
///   model.fit(xs, ys, {.epochs = 500});
///   model.predict(Tensor::from_rows({{10.0f}}));
#pragma once

#include "duet/keras/callbacks.h"
#include "duet/keras/history.h"
#include "duet/keras/layers/conv.h"
#include "duet/keras/layers/activation_layers.h"
#include "duet/keras/layers/batch_normalization.h"
#include "duet/keras/layers/core_layers.h"
#include "duet/keras/metrics.h"
#include "duet/keras/models.h"
#include "duet/keras/layers/dense.h"
#include "duet/keras/layers/embedding.h"
#include "duet/keras/initializers.h"
#include "duet/keras/layers/layer.h"
#include "duet/keras/layers/normalization.h"
#include "duet/keras/layers/pooling.h"
#include "duet/keras/layers/reshaping.h"
#include "duet/keras/layers/recurrent.h"
#include "duet/keras/losses.h"
#include "duet/keras/lr_callbacks.h"
#include "duet/keras/optimizers.h"
#include "duet/keras/schedules.h"
#include "duet/keras/regularizers.h"
#include "duet/keras/scores.h"
#include "duet/keras/sequential.h"
#include "duet/keras/utils.h"
