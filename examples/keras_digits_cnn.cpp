// The same small CNN on the 8x8 handwritten digits, as a Keras user writes it:
//
//   model = keras.Sequential([keras.Input((8, 8, 1)),
//                             layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
//                             layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
//                             layers.Flatten(), layers.Dense(10, activation="softmax")])
//   model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
//                 metrics=["accuracy"])
//   model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=2)
//   model.evaluate(x_test, y_test)
//
// Images are NHWC ([N, 8, 8, 1]), pixels scaled from 0..16 to 0..1; the first 1,500 images train,
// the last 297 test. The data: data/digits/digits.csv (scikit-learn's copy, BSD licence), or the
// file given as the first argument. examples/torch_digits_cnn.cpp is the PyTorch version.
#include <duet/core/datasets.h>
#include <duet/core/ops.h>
#include <duet/keras.h>
#include <fmt/core.h>

using namespace duet::keras;
using duet::Tensor;

int main(int argc, char** argv) {
  utils::set_random_seed(0);
  const auto [pixels, digits] = duet::datasets::digits(argc > 1 ? argv[1] : DUET_DIGITS_CSV);
  const Tensor x = pixels.reshape({-1, 8, 8, 1}) / 16.0;
  const std::int64_t n_train = 1500, n_test = x.size(0) - n_train;
  const Tensor x_train = x.narrow(0, 0, n_train), y_train = digits.narrow(0, 0, n_train);
  const Tensor x_test = x.narrow(0, n_train, n_test), y_test = digits.narrow(0, n_train, n_test);

  Sequential model({layers::Input({8, 8, 1}), layers::Conv2D(16, 3, {.padding = "same", .activation = "relu"}),
                    layers::MaxPooling2D(), layers::Conv2D(32, 3, {.padding = "same", .activation = "relu"}),
                    layers::MaxPooling2D(), layers::Flatten(), layers::Dense(10, {.activation = "softmax"})});
  model.summary();
  model.compile(optimizers::Adam({.learning_rate = 3e-3f}), "sparse_categorical_crossentropy", {"accuracy"});
  model.fit(x_train, y_train, {.epochs = 10, .batch_size = 32, .verbose = 2});
  const double accuracy = model.evaluate(x_test, y_test, {.verbose = 0}).at("accuracy");
  fmt::print("test accuracy {:.3f}\n", accuracy);
}
