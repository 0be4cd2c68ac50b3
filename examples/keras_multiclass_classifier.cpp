// A three-class classifier with a softmax output and integer labels, as a Keras user writes it:
//
//   model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=[2]),
//                             keras.layers.Dense(3, activation="softmax")])
//   model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
//                 loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit(x, labels, epochs=50, verbose=2)
//
// The data: three noisy blobs around (0, 2), (-2, -1) and (2, -1).
#include <duet/keras.h>
#include <fmt/core.h>

using namespace duet::keras;
using duet::Tensor;

int main() {
  utils::set_random_seed(0);
  auto& gen = utils::default_generator();
  const float centres[3][2] = {{0, 2}, {-2, -1}, {2, -1}};
  std::vector<std::vector<float>> xs, labels;
  for (int i = 0; i < 300; ++i) {
    const int c = i % 3;
    xs.push_back({centres[c][0] + 0.8f * static_cast<float>(gen.normal()),
                  centres[c][1] + 0.8f * static_cast<float>(gen.normal())});
    labels.push_back({static_cast<float>(c)});
  }
  const Tensor x = Tensor::from_rows(xs), y = Tensor::from_rows(labels);

  Sequential model({layers::Dense(16, {.activation = "relu", .input_shape = {2}}),
                    layers::Dense(3, {.activation = "softmax"})});
  model.compile(optimizers::Adam({.learning_rate = 0.05f}), "sparse_categorical_crossentropy", {"accuracy"});
  const History history = model.fit(x, y, {.epochs = 50, .verbose = 2});
  fmt::print("accuracy {:.3f}\n", history["accuracy"].back());
}
