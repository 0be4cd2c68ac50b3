// Links only Duet::keras from an installed Duet, as a Keras user would. Every optimiser (the
// stateful ones keep per-variable state allocated inside the library and freed here), callbacks,
// validation data and a weight-file round trip.
#include <duet/keras.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

using namespace duet::keras;

namespace {

const auto kX = duet::Tensor::from_rows({{-1}, {0}, {1}, {2}, {3}, {4}});
const auto kY = duet::Tensor::from_rows({{-3}, {-1}, {1}, {3}, {5}, {7}});

float predict_at_10(Sequential& model) { return model.predict(duet::Tensor::from_rows({{10}})).item(); }

bool learns(const std::string& name, OptimizerSpec optimizer, int epochs) {
  utils::set_random_seed(0);
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.compile(std::move(optimizer), "mse");
  model.fit(kX, kY, {.epochs = epochs, .verbose = 0});
  const float p = predict_at_10(model);
  std::printf("keras consumer %-14s %.4f\n", name.c_str(), p);
  return std::abs(p - 19.0f) < 0.1f;
}

bool stops_early_and_round_trips() {
  utils::set_random_seed(0);
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 0.05f}), "mse");
  int epochs_seen = 0;
  auto counter = std::make_shared<callbacks::LambdaCallback>();
  counter->on_epoch_end_fn = [&](int, const Logs&) { ++epochs_seen; };
  auto early = std::make_shared<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.monitor = "loss", .min_delta = 1e-5f, .patience = 3});
  model.fit(kX, kY, {.epochs = 5000, .verbose = 0, .validation_data = std::pair{kX, kY}, .callbacks = {counter, early}});

  const auto path = std::filesystem::temp_directory_path() / "duet_keras_consumer.weights.h5";
  model.save_weights(path);
  Sequential restored({layers::Dense(1, {.input_shape = {1}})});
  restored.load_weights(path);
  std::filesystem::remove(path);
  const float trained = predict_at_10(model), loaded = predict_at_10(restored);
  std::printf("keras consumer %-14s %.4f (loaded %.4f, stopped after %d epochs)\n", "EarlyStopping", trained, loaded,
              epochs_seen);
  return std::abs(trained - 19.0f) < 0.5f && trained == loaded && epochs_seen < 5000;
}

}  // namespace

int main() {
  bool ok = true;
  ok &= learns("SGD", optimizers::SGD({.learning_rate = 0.05f}), 500);
  ok &= learns("SGD momentum", optimizers::SGD({.learning_rate = 0.01f, .momentum = 0.9f, .nesterov = true}), 500);
  ok &= learns("Adam", optimizers::Adam({.learning_rate = 0.1f, .amsgrad = true}), 1000);
  ok &= learns("RMSprop", optimizers::RMSprop({.learning_rate = 0.01f, .momentum = 0.5f, .centered = true}), 1500);
  ok &= learns("Adagrad", optimizers::Adagrad({.learning_rate = 0.5f}), 1500);
  ok &= learns("sgd by name", "sgd", 500);
  ok &= stops_early_and_round_trips();
  return ok ? 0 : 1;
}
