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
#include <duet/keras.h>
#include <fmt/core.h>

using namespace duet::keras;
using duet::Tensor;

int main() {
  utils::set_random_seed(0);
  auto& gen = utils::default_generator();
  std::vector<std::vector<float>> xs, ys;
  for (int i = 0; i < 200; ++i) {
    const float label = static_cast<float>(i % 2);
    const float centre = label == 1 ? 1.0f : -1.0f;
    xs.push_back({centre + 0.7f * static_cast<float>(gen.normal()), centre + 0.7f * static_cast<float>(gen.normal())});
    ys.push_back({label});
  }
  const Tensor x = Tensor::from_rows(xs), y = Tensor::from_rows(ys);

  Sequential model({layers::Dense(8, {.activation = "relu", .input_shape = {2}}),
                    layers::Dense(1, {.activation = "sigmoid"})});
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  auto early_stopping = std::make_shared<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{.monitor = "loss", .patience = 5});
  model.fit(x, y, {.epochs = 100, .verbose = 0, .callbacks = {early_stopping}});

  const Logs result = model.evaluate(x, y);
  fmt::print("loss {:.4f}, accuracy {:.3f}\n", result.at("loss"), result.at("accuracy"));
}
