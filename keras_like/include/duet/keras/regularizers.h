/// @file
/// keras.regularizers.L1, L2 and L1L2 (keras/src/regularizers/regularizers.py): a penalty on a
/// weight that Keras adds to the loss it minimises AND reports (Layer.losses, summed into the
/// loss by Trainer.compute_loss, in fit and in evaluate). Unlike PyTorch's weight_decay, which
/// changes the update and never shows in the loss, and which for SGD equals L2 with
/// weight_decay = 2 l2 (Keras' L2 has no 1/2: l2 * sum(w^2)).
#pragma once

#include <string>

#include "duet/core/tensor.h"

namespace duet::keras::regularizers {

/// l1 * sum(|w|) + l2 * sum(w^2); a term whose factor is 0 is left out, as Keras does.
struct Regularizer {
  double l1 = 0.0;
  double l2 = 0.0;
  std::string class_name = "L1L2";  ///< "L1", "L2" or "L1L2", as Keras' get_config names it
  /// The penalty for `weight`, a scalar in the graph (so its gradient reaches the weight).
  Tensor operator()(const Tensor& weight) const;
};

/// keras.regularizers.L1(l1=0.01); a factor that is negative or not finite is an error.
Regularizer L1(double l1 = 0.01);
/// keras.regularizers.L2(l2=0.01).
Regularizer L2(double l2 = 0.01);
/// keras.regularizers.L1L2(l1=0.0, l2=0.0).
Regularizer L1L2(double l1 = 0.0, double l2 = 0.0);
/// By identifier, as regularizers.get: "l1" = L1(), "l2" = L2(), "l1_l2" = L1L2() (both 0).
Regularizer get(const std::string& identifier);

}  // namespace duet::keras::regularizers
