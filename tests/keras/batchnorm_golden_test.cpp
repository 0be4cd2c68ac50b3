// keras_like against the public v2 golden batchnorm-dense-defaults (TensorFlow.js 4.22, whose
// BatchNormalization follows Keras 3 here: momentum 0.99 on the moving value, epsilon 1e-3, the
// biased batch variance): Dense -> BatchNormalization -> relu -> Dense, fit in training mode,
// predict in inference mode from the moving statistics. The comparator runs the same golden
// through its layer kinds; this test pins the front-end itself.
#include <gtest/gtest.h>

#include "duet/keras.h"
#include "support/golden_json.h"

namespace duet::keras {
namespace {

using test::expect_close;
using test::json_tensor;

TEST(BatchNormalizationGolden, DenseBatchNormReluDenseMatchesKeras) {
  const auto [e, expected] = test::read_public_v2("batchnorm-dense-defaults", "keras");
  Sequential model({layers::Dense(6, {.input_shape = {3}}), layers::BatchNormalization(), layers::Activation("relu"),
                    layers::Dense(1)});
  model.compile(optimizers::SGD({.learning_rate = 0.05f}), "mse");
  model.build(3);
  std::vector<Tensor> weights;  // get_weights' order: kernel, bias, gamma, beta, moving_mean, moving_variance, ...
  for (const auto& layer : e["initial_weights"])
    for (const char* key : {"kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"})
      if (layer.contains(key)) weights.push_back(json_tensor(layer[key]));
  model.set_weights(weights);
  const History h = model.fit(json_tensor(e["data"]["x"]), json_tensor(e["data"]["y"]),
                              {.epochs = e["epochs"].get<int>(), .batch_size = e["batch_size"].get<int>(),
                               .shuffle = false, .verbose = 0});
  const auto& loss = h["loss"];
  std::vector<float> history(loss.begin(), loss.end());
  expect_close(Tensor::from_data({static_cast<std::int64_t>(history.size())}, history), expected["loss_history"], 1e-5f,
               "loss history");
  expect_close(model.predict(json_tensor(e["predict"])), expected["predictions"], 1e-5f, "inference-mode predictions");
  const auto& bn = dynamic_cast<const layers::BatchNormalization&>(*model.layers()[1]);
  expect_close(bn.moving_mean, expected["weights"][1]["moving_mean"], 1e-5f, "moving_mean");
  expect_close(bn.moving_variance, expected["weights"][1]["moving_variance"], 1e-5f, "moving_variance");
}

}  // namespace
}  // namespace duet::keras
