// --explain's flatten-order and kernel-layout reasons measure the error of a naive port. The
// truth here is independent of the comparator's mapping code: the Keras side's own predictions,
// against a PyTorch-style model built by hand and loaded the naive way, as a user would.
#include <gtest/gtest.h>

#include <regex>

#include "duet/compare/analysis.h"
#include "duet/compare/experiment.h"
#include "duet/compare/report.h"
#include "duet/torch.h"
#include "keras_side.h"
#include "layouts.h"

namespace duet::compare {
namespace {

// 3x3 images with 2 channels -> conv 2x2, 3 filters -> [2, 2, 3] -> flatten (12) -> dense 2.
Experiment conv_flatten_dense() {
  return parse_experiment_text(R"({"seed": 5,
      "data": {"x": [[[[0.1, -0.4], [0.7, 0.2], [-0.3, 0.9]], [[0.5, 0.5], [-0.8, 0.1], [0.3, -0.2]],
                      [[0.6, -0.1], [0.2, 0.4], [-0.5, 0.8]]],
                     [[[-0.2, 0.3], [0.4, -0.6], [0.9, 0.1]], [[0.0, 0.7], [0.6, -0.3], [-0.1, 0.2]],
                      [[0.8, 0.5], [-0.4, -0.7], [0.1, 0.6]]]],
               "y": [[1, 0], [0, 1]]},
      "layers": [{"type": "conv2d", "filters": 3, "kernel_size": 2}, {"type": "flatten"}, {"units": 2}],
      "epochs": 1, "torch": {"optimizer": {"name": "sgd", "lr": 0.1}}})",
                               ".");
}

// The number after "by up to " in the reason that starts with `title`.
double measured(const std::vector<std::string>& reasons, const std::string& title) {
  for (const auto& r : reasons) {
    if (r.rfind(title, 0) != 0) continue;
    std::smatch m;
    if (std::regex_search(r, m, std::regex("by up to ([0-9.e+-]+)"))) return std::stod(m[1]);
    ADD_FAILURE() << "no measured figure in: " << r;
  }
  ADD_FAILURE() << "no reason starting with " << title;
  return -1;
}

double largest_difference(const Tensor& a, const Tensor& b) {
  return static_cast<double>((a.data() - b.data()).abs().maxCoeff());
}

// The hand-made PyTorch port: conv weight from the Keras kernel by transposing or by reshaping,
// linear weight by transposing with or without the HWC -> CHW row permutation.
Tensor torch_port(const Experiment& e, const std::vector<NamedWeights>& w, bool reshape_conv, bool permute_rows) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(2, 3, 2));
  torch::nn::Flatten flatten;
  torch::nn::Linear linear(12, 2);
  const Tensor& kernel = weight(w[0], "kernel");
  conv->weight.mutable_data() =
      (reshape_conv ? Tensor::from_data(Shape{3, 2, 2, 2}, std::vector<float>(kernel.data().begin(), kernel.data().end()))
                    : kernel.permute({3, 2, 0, 1}))
          .data();
  conv->bias.mutable_data() = weight(w[0], "bias").data();
  const Tensor& dense = weight(w[2], "kernel");  // [12, 2], rows in H, W, C order
  std::vector<float> linear_weight(24);
  const auto rows = flatten_rows_torch_from_keras(Shape{2, 2, 3});
  for (std::int64_t o = 0; o < 2; ++o)
    for (std::int64_t i = 0; i < 12; ++i)
      linear_weight[static_cast<std::size_t>(o * 12 + i)] =
          dense.data()[static_cast<std::size_t>((permute_rows ? rows[static_cast<std::size_t>(i)] : i) * 2 + o)];
  linear->weight.mutable_data() = Tensor::from_data(Shape{2, 12}, linear_weight).data();
  linear->bias.mutable_data() = weight(w[2], "bias").data();
  torch::NoGradGuard no_grad;
  return linear->forward(flatten->forward(conv->forward(channels_last_to_first(e.predict))));
}

TEST(LayoutExplain, FlattenOrderReasonMeasuresTheNaivePortsError) {
  const Experiment e = conv_flatten_dense();
  const auto weights = keras_default_weights(e);
  const Tensor truth = keras_predictions_at(e, {weights})[0];
  // The correct port reproduces Keras (the comparator's premise, checked here by hand too).
  EXPECT_LT(largest_difference(truth, torch_port(e, weights, false, true)), 1e-6);
  const double naive = largest_difference(truth, torch_port(e, weights, false, false));
  ASSERT_GT(naive, 1e-3) << "the example must show the trap";
  EXPECT_NEAR(measured(explain_differences(e), "Flatten order (layers[2]"), naive, 5e-4 * naive);
}

TEST(LayoutExplain, KernelLayoutReasonMeasuresAReshapedKernelsError) {
  const Experiment e = conv_flatten_dense();
  const auto weights = keras_default_weights(e);
  const Tensor truth = keras_predictions_at(e, {weights})[0];
  const double reshaped = largest_difference(truth, torch_port(e, weights, true, true));
  ASSERT_GT(reshaped, 1e-3);
  EXPECT_NEAR(measured(explain_differences(e), "Kernel layout (layers[0], conv2d)"), reshaped, 5e-4 * reshaped);
}

TEST(LayoutExplain, NoFlattenReasonWhenHwcAndChwOrdersCoincide) {
  // One channel before the flatten: both orders are the same, so there is no trap to name.
  const auto e = parse_experiment_text(R"({"data": {"x": [[[[1], [2]], [[3], [4]]]], "y": [[1]]},
      "layers": [{"type": "flatten"}, {"units": 1}], "epochs": 1, "torch": {"optimizer": {"name": "sgd", "lr": 0.1}}})",
                                       ".");
  for (const auto& r : explain_differences(e)) EXPECT_EQ(r.find("Flatten order"), std::string::npos) << r;
}

TEST(LayoutExplain, InitialisersAreWordedPerLayerType) {
  std::string text;
  for (const auto& r : explain_differences(conv_flatten_dense())) text += r + "\n";
  EXPECT_NE(text.find("Conv: the same two rules with the receptive field counted in"), std::string::npos) << text;
  EXPECT_NE(text.find("Dense: Keras glorot_uniform"), std::string::npos) << text;
}

}  // namespace
}  // namespace duet::compare
