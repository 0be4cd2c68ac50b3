// Links only Duet::keras from an installed Duet and learns y = 2x - 1.
#include <duet/keras.h>

#include <cmath>
#include <cstdio>

int main() {
  using namespace duet::keras;
  utils::set_random_seed(0);
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.compile(optimizers::SGD({.learning_rate = 0.05f}), "mse");
  const auto x = duet::Tensor::from_rows({{-1}, {0}, {1}, {2}, {3}, {4}});
  const auto y = duet::Tensor::from_rows({{-3}, {-1}, {1}, {3}, {5}, {7}});
  model.fit(x, y, {.epochs = 500, .verbose = 0});
  const float p = model.predict(duet::Tensor::from_rows({{10}})).item();
  std::printf("keras consumer: %.4f\n", p);
  return std::abs(p - 19.0f) < 0.05f ? 0 : 1;
}
