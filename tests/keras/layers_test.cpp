// keras_like: layers own named weights (add_weight), Normalization against Keras' documented
// examples and formula, and clone_model.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/core/tensor_file.h"
#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras {
namespace {

using test::error_of;

std::vector<std::string> names_of(const layers::Layer& layer) {
  std::vector<std::string> out;
  for (const auto& w : layer.weights()) out.push_back(w.name);
  return out;
}

// A layer written as a Keras user writes one: y = x * scale + shift, with a trainable "scale"
// created before a non-trainable "shift".
class ScaleShift : public layers::Layer {
 public:
  void build(const Shape& input_shape, Generator& generator) override {
    forget_weights();
    add_weight({.name = "shift", .shape = input_shape, .initializer = "ones", .trainable = false}, generator);
    scale_ = add_weight({.name = "scale", .shape = input_shape, .initializer = "ones"}, generator);
    shift_ = non_trainable_weights()[0];
    mark_built(input_shape);
  }
  Tensor call(const Tensor& x, bool) override { return add(mul(x, scale_), shift_); }
  Shape compute_output_shape(const Shape& input_shape) const override { return input_shape; }
  std::string class_name() const override { return "ScaleShift"; }
  std::shared_ptr<Layer> clone() const override { return std::make_shared<ScaleShift>(); }

 private:
  Tensor scale_, shift_;
};

TEST(NamedWeights, DenseNamesItsKernelAndBias) {
  Sequential model({layers::Dense(3, {.input_shape = {2}}), layers::Dense(1, {.use_bias = false})});
  EXPECT_EQ(names_of(*model.layers()[0]), (std::vector<std::string>{"kernel", "bias"}));
  EXPECT_EQ(names_of(*model.layers()[1]), (std::vector<std::string>{"kernel"}));
  EXPECT_EQ(model.layers()[0]->count_params(), 2 * 3 + 3);
  EXPECT_NE(error_of([] { layers::Dense(1, {.kernel_initializer = "foo"}); })
                .find("Could not interpret initializer identifier: 'foo'"),
            std::string::npos);
}

TEST(NamedWeights, TrainableOnesFirstAndOnlyTheyTrain) {
  // Keras' Layer.weights lists trainable weights before non-trainable ones, whatever the
  // creation order; the optimiser updates only the trainable ones.
  Sequential model({layers::Input({2}), std::make_shared<ScaleShift>()});
  const auto& layer = *model.layers()[1];
  EXPECT_EQ(names_of(layer), (std::vector<std::string>{"scale", "shift"}));
  EXPECT_FALSE(layer.weights()[1].trainable);
  EXPECT_EQ(model.trainable_weights().size(), 1u);
  EXPECT_EQ(model.non_trainable_weights().size(), 1u);
  model.compile("sgd", "mse");
  model.fit(Tensor::from_rows({{1, 2}, {3, 4}}), Tensor::from_rows({{0, 0}, {0, 0}}), {.epochs = 3, .verbose = 0});
  EXPECT_TRUE((model.non_trainable_weights()[0].data() == 1.0f).all());  // "shift" kept its value
  EXPECT_FALSE((model.trainable_weights()[0].data() == 1.0f).all());     // "scale" moved
  const std::string summary = model.summary_text();
  EXPECT_NE(summary.find(" Trainable params: 2 (8.00 B)\n Non-trainable params: 2 (8.00 B)\n"), std::string::npos)
      << summary;
}

TEST(NamedWeights, WeightFilesUseTheLayersNames) {
  const test::TempDir dir("duet_keras_named");
  layers::Normalization norm;
  norm.adapt(Tensor::from_rows({{1, 2}, {3, 4}}));
  Sequential model({std::make_shared<layers::Normalization>(norm), layers::Dense(1)});
  model.build(2);
  // Keras 3's weight file names each layer by its kind (saving_lib.py), its variables by position.
  EXPECT_EQ(model.weight_file_paths(), (std::vector<std::string>{"layers/normalization", "layers/dense"}));
  std::vector<std::string> names;
  for (const auto& layer : model.layers())
    for (const auto& w : layer->weights()) names.push_back(layer->name() + "/" + w.name);
  EXPECT_EQ(names, (std::vector<std::string>{"normalization/mean", "normalization/variance", "normalization/count",
                                             "dense/kernel", "dense/bias"}));
  model.save_weights(dir / "w.weights.h5");
  Sequential copy({layers::Normalization(), layers::Dense(1)});
  copy.build(2);
  copy.load_weights(dir / "w.weights.h5");
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE((copy.get_weights()[i].data() == model.get_weights()[i].data()).all());
}

TEST(Normalization, AdaptMatchesKerasDocumentedExample) {
  // keras.layers.Normalization docstring: adapt on [[0,7,4],[2,9,6],[0,7,4],[2,9,6]] (mean
  // [1,8,5], variance [1,1,1]); [[0,7,4]] -> [-1,-1,-1]; inverted, [[1,2,3]] -> [2,10,8].
  const Tensor data = Tensor::from_rows({{0, 7, 4}, {2, 9, 6}, {0, 7, 4}, {2, 9, 6}});
  layers::Normalization layer;
  layer.adapt(data);
  EXPECT_EQ(layer.call(Tensor::from_rows({{0, 7, 4}}), false).to_rows(), (std::vector<std::vector<float>>{{-1, -1, -1}}));
  layers::Normalization inverse({.invert = true});
  inverse.adapt(data);
  EXPECT_EQ(inverse.call(Tensor::from_rows({{1, 2, 3}}), false).to_rows(), (std::vector<std::vector<float>>{{2, 10, 8}}));
  EXPECT_EQ(names_of(layer), (std::vector<std::string>{"mean", "variance", "count"}));
  for (const auto& w : layer.weights()) EXPECT_FALSE(w.trainable) << w.name;
}

TEST(Normalization, FixedMeanAndVarianceAreConstantsNotWeights) {
  // Docstring: Normalization(mean=3., variance=2.) maps [1, 2, 3] to [-1.4142135, -0.70710677, 0].
  Sequential model({layers::Normalization({.mean = std::vector<float>{3}, .variance = std::vector<float>{2},
                                           .input_shape = {1}})});
  const auto out = model.predict(Tensor::from_rows({{1}, {2}, {3}}));
  EXPECT_FLOAT_EQ(out.at(0, 0), -1.4142135f);
  EXPECT_FLOAT_EQ(out.at(1, 0), -0.70710677f);
  EXPECT_FLOAT_EQ(out.at(2, 0), 0.0f);
  EXPECT_EQ(model.layers()[0]->count_params(), 0);
  EXPECT_NE(error_of([] { layers::Normalization({.mean = std::vector<float>{1}}); })
                .find("both `mean` and `variance` must be set"),
            std::string::npos);
}

TEST(Normalization, ZeroVarianceIsGuardedByEpsilonOnTheStandardDeviation) {
  // Keras divides by max(sqrt(variance), epsilon) with epsilon 1e-7: a constant feature maps
  // x to (x - mean) / 1e-7, not to a division by zero.
  layers::Normalization layer;
  layer.adapt(Tensor::from_rows({{5, 1}, {5, 3}}));
  const Tensor out = layer.call(Tensor::from_rows({{6, 3}}), false);
  EXPECT_FLOAT_EQ(out.at(0, 0), 1.0f / 1e-7f);
  EXPECT_FLOAT_EQ(out.at(0, 1), 1.0f);  // mean 2, population variance 1
}

TEST(Normalization, CountsAsNonTrainableAndSurvivesTheModelsBuild) {
  // Keras' summary of Normalization over 3 features: 2 * 3 + 1 = 7 non-trainable parameters.
  layers::Normalization norm;
  norm.adapt(Tensor::from_rows({{0, 7, 4}, {2, 9, 6}}));
  auto shared = std::make_shared<layers::Normalization>(norm);
  Sequential model({shared, layers::Dense(1)});
  model.build(3);  // the adapted layer keeps its statistics
  EXPECT_FLOAT_EQ(shared->mean().data()[1], 8.0f);
  const std::string s = model.summary_text();
  // A name longer than its column continues on the next line, as tf.keras 2's print_row wraps it.
  EXPECT_NE(s.find("\n normalization (Normalizatio  (None, 3)                7         \n n)"), std::string::npos) << s;
  EXPECT_NE(s.find(" Total params: 11 (44.00 B)\n Trainable params: 4 (16.00 B)\n Non-trainable params: 7 (28.00 B)\n"),
            std::string::npos)
      << s;
  Sequential wrong({std::make_shared<layers::Normalization>(norm), layers::Dense(1)});
  EXPECT_NE(error_of([&] { wrong.build(2); }).find("it was built for 3 features per sample, the model gives it 2"),
            std::string::npos);
}

TEST(CloneModel, SameArchitectureFreshWeightsNothingShared) {
  utils::set_random_seed(5);
  Sequential model({layers::Dense(4, {.activation = "relu", .input_shape = {2}}), layers::Dense(1)});
  utils::set_random_seed(5);
  Sequential same_draws = models::clone_model(model);  // the initialisers drawn in the same order
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE((same_draws.get_weights()[i].data() == model.get_weights()[i].data()).all());
  Sequential clone = models::clone_model(model);
  ASSERT_EQ(clone.layers().size(), 2u);
  EXPECT_EQ(clone.layers()[1]->name(), "dense_1");
  EXPECT_EQ(clone.layers()[0]->class_name(), "Dense");
  EXPECT_FALSE((clone.get_weights()[0].data() == model.get_weights()[0].data()).all());  // fresh kernel
  EXPECT_TRUE((clone.get_weights()[1].data() == 0.0f).all());  // bias from "zeros", as the original's
  EXPECT_NE(error_of([&] { clone.fit(Tensor::zeros({1, 2}), Tensor::zeros({1, 1})); }).find("compile()"),
            std::string::npos);  // as Keras, the clone is not compiled
  const auto before = model.get_weights();
  clone.set_weights(model.get_weights());
  clone.compile("sgd", "mse");
  clone.fit(Tensor::from_rows({{1, 2}}), Tensor::from_rows({{3}}), {.epochs = 2, .verbose = 0});
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE((model.get_weights()[i].data() == before[i].data()).all());
  Sequential unbuilt({layers::Dense(2)});
  EXPECT_FALSE(models::clone_model(unbuilt).built());
}

TEST(CloneModel, SequentialIsMovableButNotCopyable) {
  // A copy would share the layers' weights; the documented ways are clone_model and set_weights.
  static_assert(!std::is_copy_constructible_v<Sequential>);
  static_assert(!std::is_copy_assignable_v<Sequential>);
  static_assert(std::is_nothrow_move_constructible_v<Sequential>);
  Sequential a({layers::Dense(1, {.input_shape = {1}})});
  Sequential b = std::move(a);
  EXPECT_TRUE(b.built());
}

TEST(InputShape, ModelsBuildFromAFullSampleShape) {
  // Keras builds each layer for the whole sample shape; Dense acts on the last axis of any rank
  // (keras/src/layers/core/dense.py), so [steps, features] samples give [steps, units].
  Sequential model({layers::Input({3, 2}), layers::Dense(4)});
  ASSERT_TRUE(model.built());
  EXPECT_EQ(*model.built_input_shape(), (Shape{3, 2}));
  EXPECT_EQ(model.output_shape(), (Shape{3, 4}));
  EXPECT_EQ(model.layers()[1]->weights()[0].value.shape(), (Shape{2, 4}));
  EXPECT_NE(model.summary_text().find("(None, 3, 4)"), std::string::npos) << model.summary_text();
  const Tensor x = Tensor::from_data({2, 3, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  const Tensor y = model.predict(x);
  ASSERT_EQ(y.shape(), (Shape{2, 3, 4}));
  // Each step is the same affine map: row (sample 1, step 2) = [11, 12] @ kernel + bias.
  const Tensor kernel = model.get_weights()[0], bias = model.get_weights()[1];
  // The truth in double; float32 arithmetic in any order (the library may fuse a multiply-add, the
  // test need not) is within a few roundings of the terms' magnitude: the two products cancel
  // for some initial kernels, so a bound relative to the result alone would be wrong.
  for (int u = 0; u < 4; ++u) {
    const double a = 11.0 * kernel.data()[u], b = 12.0 * kernel.data()[4 + u], c = bias.data()[u];
    const double terms = std::abs(a) + std::abs(b) + std::abs(c);
    EXPECT_NEAR(y.data()[(1 * 3 + 2) * 4 + u], a + b + c, 4 * terms * std::numeric_limits<float>::epsilon() / 2);
  }
  EXPECT_NE(error_of([&] { model.predict(Tensor::zeros({2, 2, 3})); }).find("expected samples of shape [3, 2]"),
            std::string::npos);
  EXPECT_NE(error_of([] { layers::Input({2, 2, 2, 2}); }).find("at most 3"), std::string::npos);
}

}  // namespace
}  // namespace duet::keras
