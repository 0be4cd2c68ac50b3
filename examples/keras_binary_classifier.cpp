// A binary classifier with a sigmoid output, as a Keras user writes it:
//
//   model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=[2]),
//                             keras.layers.Dense(1, activation="sigmoid")])
//   model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
//   model.fit(x, y, epochs=100, batch_size=32,
//             callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=5)])
//   loss, accuracy = model.evaluate(x, y)
//
// The data: two noisy blobs centred at (-1, -1) (label 0) and (1, 1) (label 1).
#include <duet/core/datasets.h>
#include <duet/keras.h>
#include <fmt/core.h>

using namespace duet::keras;

int main() {
  utils::set_random_seed(0);
  const auto [x, y] = duet::datasets::blobs(200, {{-1, -1}, {1, 1}}, 0.7f, utils::default_generator());

  Sequential model({layers::Dense(8, {.activation = "relu", .input_shape = {2}}),
                    layers::Dense(1, {.activation = "sigmoid"})});
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  model.fit(x, y, {.epochs = 100, .verbose = 0, .callbacks = {callbacks::EarlyStopping({.monitor = "loss", .patience = 5})}});

  const auto [loss, accuracy] = model.evaluate(x, y).unpack<2>();
  fmt::print("loss {:.4f}, accuracy {:.3f}\n", loss, accuracy);
}
