// A three-class classifier with a softmax output and integer labels, as a Keras user writes it:
//
//   model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=[2]),
//                             keras.layers.Dense(3, activation="softmax")])
//   model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
//                 loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit(x, labels, epochs=50, verbose=2)
//
// The data: three noisy blobs around (0, 2), (-2, -1) and (2, -1).
#include <duet/core/datasets.h>
#include <duet/keras.h>
#include <fmt/core.h>

using namespace duet::keras;

int main() {
  utils::set_random_seed(0);
  const auto [x, labels] =
      duet::datasets::blobs(300, {{0, 2}, {-2, -1}, {2, -1}}, 0.8f, utils::default_generator());

  Sequential model({layers::Dense(16, {.activation = "relu", .input_shape = {2}}),
                    layers::Dense(3, {.activation = "softmax"})});
  model.compile(optimizers::Adam({.learning_rate = 0.05f}), "sparse_categorical_crossentropy", {"accuracy"});
  const History history = model.fit(x, labels, {.epochs = 50, .verbose = 2});
  fmt::print("accuracy {:.3f}\n", history["accuracy"].back());
}
