/// @file
/// keras.layers.Layer: built lazily once the input width is known, then called on batches.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet::keras::layers {

class Layer {
 public:
  virtual ~Layer() = default;

  /// Creates the weights for inputs of `input_dim` features (Keras' build(input_shape)).
  virtual void build(std::int64_t input_dim, Generator& generator) = 0;
  virtual Tensor call(const Tensor& inputs, bool training) = 0;
  virtual std::int64_t output_dim(std::int64_t input_dim) const = 0;
  /// Trainable weights in Keras' order (kernel, then bias).
  virtual std::vector<Tensor> weights() const { return {}; }
  virtual std::string class_name() const = 0;

  bool built() const { return built_; }
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  /// The `input_shape` given to the first layer, if any (features only, no batch axis).
  const std::optional<std::vector<std::int64_t>>& input_shape() const { return input_shape_; }

 protected:
  void mark_built() { built_ = true; }
  std::optional<std::vector<std::int64_t>> input_shape_;

 private:
  bool built_ = false;
  std::string name_;
};

/// Holds any layer by value or shared pointer, so Sequential({Dense(...), Dense(...)}) works.
class LayerRef {
 public:
  template <typename L>
    requires std::is_base_of_v<Layer, L>
  LayerRef(L layer) : ptr_(std::make_shared<L>(std::move(layer))) {}  // NOLINT: implicit by design
  template <typename L>
    requires std::is_base_of_v<Layer, L>
  LayerRef(std::shared_ptr<L> layer) : ptr_(std::move(layer)) {}  // NOLINT
  const std::shared_ptr<Layer>& get() const { return ptr_; }

 private:
  std::shared_ptr<Layer> ptr_;
};

}  // namespace duet::keras::layers
