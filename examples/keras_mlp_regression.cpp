// A two-layer MLP regression, as a Keras user writes it:
//
//   model = keras.Sequential([keras.Input(shape=(2,)),
//                             keras.layers.Dense(16, activation="tanh"),
//                             keras.layers.Dense(1)])
//   model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
//   history = model.fit(x, y, epochs=200, batch_size=16, validation_split=0.2, verbose=0)
//
// The data: y = sin(x1) + 0.5 x2^2 on 160 points drawn uniformly from [-2, 2]^2.
#include <duet/keras.h>
#include <fmt/core.h>

#include <cmath>

using namespace duet::keras;
using duet::Tensor;

int main() {
  utils::set_random_seed(0);
  auto& gen = utils::default_generator();
  std::vector<std::vector<float>> xs, ys;
  for (int i = 0; i < 160; ++i) {
    const float x1 = gen.uniform(-2, 2), x2 = gen.uniform(-2, 2);
    xs.push_back({x1, x2});
    ys.push_back({std::sin(x1) + 0.5f * x2 * x2});
  }
  const Tensor x = Tensor::from_rows(xs), y = Tensor::from_rows(ys);

  Sequential model({layers::Input({2}), layers::Dense(16, {.activation = "tanh"}), layers::Dense(1)});
  model.compile(optimizers::Adam({.learning_rate = 0.01f}), "mse", {"mae"});
  model.summary();
  const History history = model.fit(x, y, {.epochs = 200, .batch_size = 16, .verbose = 0, .validation_split = 0.2f});

  fmt::print("final loss {:.5f}, val_loss {:.5f}, val_mae {:.4f}\n", history["loss"].back(), history["val_loss"].back(),
             history["val_mae"].back());
}
