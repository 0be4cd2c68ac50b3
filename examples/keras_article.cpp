// The article's tf.keras program, line for line:
//
//   model = keras.Sequential([keras.layers.Dense(units=1, input_shape=[1])])
//   model.compile(optimizer='sgd', loss='mean_squared_error')
//   xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
//   ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)
//   model.fit(xs, ys, epochs=500)
//   print(model.predict([10.0]))
#include <duet/keras.h>

#include <fmt/core.h>

using namespace duet::keras;
using duet::Tensor;

int main() {
  Sequential model({layers::Dense(1, {.input_shape = {1}})});
  model.compile("sgd", "mean_squared_error");

  const Tensor xs = Tensor::from_rows({{-1.0f}, {0.0f}, {1.0f}, {2.0f}, {3.0f}, {4.0f}});
  const Tensor ys = Tensor::from_rows({{-3.0f}, {-1.0f}, {1.0f}, {3.0f}, {5.0f}, {7.0f}});
  model.fit(xs, ys, {.epochs = 500});

  // NumPy prints the float32 prediction in its shortest repr: [[18.979048]]
  fmt::print("[[{}]]\n", model.predict(Tensor::from_rows({{10.0f}})).item());
}
