// Keras optimisers with Keras 3 / tf.keras update rules and defaults.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "duet/core/optim.h"
#include "duet/core/tensor.h"

namespace duet::keras::optimizers {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Applies one update to each variable from its gradient (Keras' apply_gradients).
  virtual void apply_gradients(const std::vector<Tensor>& variables) = 0;
  virtual std::string name() const = 0;
  virtual float learning_rate() const = 0;
};

struct SGDOptions {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;
};

// keras/src/optimizers/sgd.py: v = momentum * v - lr * g; w += v (nesterov: w += m v - lr g).
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions options = {});
  void apply_gradients(const std::vector<Tensor>& variables) override;
  std::string name() const override { return "SGD"; }
  float learning_rate() const override { return options_.learning_rate; }
  const SGDOptions& options() const { return options_; }

 private:
  SGDOptions options_;
  std::unordered_map<const void*, duet::optim::SgdState> velocity_;
};

// "sgd" with Keras' defaults.
std::shared_ptr<Optimizer> get(const std::string& identifier);

}  // namespace duet::keras::optimizers
