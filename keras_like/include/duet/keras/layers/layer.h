/// @file
/// keras.layers.Layer: built lazily once the input shape is known, then called on batches. A
/// layer owns its weights by name (Keras' add_weight), so a model reads their names, their
/// trainable / non-trainable split and their counts from the layer, never from a position.
#pragma once

#include "duet/keras/shared_ref.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duet/core/random.h"
#include "duet/core/shape.h"
#include "duet/core/tensor.h"
#include "duet/keras/regularizers.h"

namespace duet::keras::layers {

/// One weight a layer created: its name within the layer, its value and whether training updates it.
struct Weight {
  std::string name;  ///< "kernel", "bias", "mean", ...; a model file stores it as "<layer>/<name>"
  Tensor value;      ///< a handle: writing its values (mutable_data) changes the layer
  bool trainable = true;
  /// The penalty Keras adds to the loss for this weight (kernel_regularizer, bias_regularizer).
  std::optional<regularizers::Regularizer> regularizer = std::nullopt;
};

/// add_weight()'s arguments, with Keras' names and defaults (keras/src/layers/layer.py).
struct WeightSpec {
  std::string name;
  Shape shape = {};                             ///< a scalar unless given
  std::string initializer = "glorot_uniform";   ///< a keras.initializers name
  bool trainable = true;
  std::optional<regularizers::Regularizer> regularizer = std::nullopt;  ///< its penalty in the loss
};

class Layer {
 public:
  virtual ~Layer() = default;

  /// Creates the weights for inputs of `input_shape` (Keras' build(input_shape)) and ends with
  /// mark_built(input_shape). Shapes here have no batch axis: Keras' (None, 28, 28, 1) is
  /// {28, 28, 1}, tabular data {features}, sequences {steps, features}.
  virtual void build(const Shape& input_shape, Generator& generator) = 0;
  /// Runs the layer on a batch (`inputs` has the batch axis first). `training` is true inside
  /// fit and false in predict and evaluate; layers such as Dropout read it.
  virtual Tensor call(const Tensor& inputs, bool training) = 0;
  /// The shape of one sample's output for one sample's `input_shape` (no batch axis); throws a
  /// duet::Error naming the layer when the input does not fit it.
  virtual Shape compute_output_shape(const Shape& input_shape) const = 0;
  virtual std::string class_name() const = 0;
  /// A new, unbuilt layer with this one's configuration and no weights (what
  /// keras.models.clone_model makes from a layer's get_config()).
  virtual std::shared_ptr<Layer> clone() const = 0;

  /// Every weight in Keras' order (Layer.weights): the trainable ones, then the non-trainable
  /// ones, each in the order add_weight created them.
  std::vector<Weight> weights() const;
  std::vector<Tensor> trainable_weights() const;
  std::vector<Tensor> non_trainable_weights() const;
  /// The penalties of the weights' regularizers, from their current values (Keras 3's
  /// Layer.losses); fit and evaluate add their sum to the loss.
  std::vector<Tensor> losses() const;
  /// The number of values in all weights (Keras' count_params).
  std::int64_t count_params() const;

  bool built() const { return built_input_shape_.has_value(); }
  /// The input shape (no batch axis) the layer was built for, once built.
  const std::optional<Shape>& built_input_shape() const { return built_input_shape_; }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  /// The `input_shape` given to the first layer, if any (no batch axis).
  const std::optional<Shape>& input_shape() const { return input_shape_; }

 protected:
  /// Creates a weight from `spec`, drawn by its initializer, and returns its handle (Keras'
  /// add_weight). Building again first forgets the previous weights (see forget_weights).
  Tensor add_weight(const WeightSpec& spec, Generator& generator);
  /// Drops every weight: build() calls it before creating weights anew.
  void forget_weights() { weights_.clear(); }
  void mark_built(const Shape& input_shape) { built_input_shape_ = input_shape; }
  /// Sets input_shape() from a layer option; an empty list means none, a zero or negative size is
  /// an error naming `layer`.
  void set_input_shape(const std::vector<std::int64_t>& shape, const char* layer);
  std::optional<Shape> input_shape_;

 private:
  std::vector<Weight> weights_;  // creation order
  std::optional<Shape> built_input_shape_;
  std::string name_;
};

/// Holds any layer by value or shared pointer, so Sequential({Dense(...), Dense(...)}) works.
using LayerRef = SharedRef<Layer>;

}  // namespace duet::keras::layers
