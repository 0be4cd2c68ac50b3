// A two-layer MLP regression, as a Keras user writes it:
//
//   model = keras.Sequential([keras.Input(shape=(2,)),
//                             keras.layers.Dense(16, activation="tanh"),
//                             keras.layers.Dense(1)])
//   model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
//   history = model.fit(x, y, epochs=200, batch_size=16, validation_split=0.2, verbose=0)
//
// The data: y = sin(x1) + 0.5 x2^2 on 160 points drawn uniformly from [-2, 2]^2.
#include <duet/core/datasets.h>
#include <duet/keras.h>
#include <fmt/core.h>

using namespace duet::keras;

int main() {
  utils::set_random_seed(0);
  const auto [x, y] = duet::datasets::sine_regression(160, utils::default_generator());

  Sequential model({layers::Input({2}), layers::Dense(16, {.activation = "tanh"}), layers::Dense(1)});
  model.compile(optimizers::Adam({.learning_rate = 0.01f}), "mse", {"mae"});
  model.summary();
  const History history = model.fit(x, y, {.epochs = 200, .batch_size = 16, .verbose = 0, .validation_split = 0.2f});

  fmt::print("final loss {:.5f}, val_loss {:.5f}, val_mae {:.4f}\n", history["loss"].back(), history["val_loss"].back(),
             history["val_mae"].back());
}
