// The layer registry's shared machinery: layout moves between Keras' channels-last and
// PyTorch's channels-first order, and the parser's shape walk. Worked by hand on tiny shapes.
#include <gtest/gtest.h>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "layers/layer_kind.h"
#include "layouts.h"

namespace duet::compare {
namespace {

TEST(Layouts, ChannelsLastToFirstMovesEachValueToItsChannelPlane) {
  // One 2x2 image with 3 channels: value = 100*row + 10*col + channel.
  std::vector<float> nhwc;
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 2; ++w)
      for (int c = 0; c < 3; ++c) nhwc.push_back(static_cast<float>(100 * h + 10 * w + c));
  const Tensor nchw = channels_last_to_first(Tensor::from_data({1, 2, 2, 3}, nhwc));
  ASSERT_EQ(nchw.shape(), (Shape{1, 3, 2, 2}));
  for (int c = 0; c < 3; ++c)
    for (int h = 0; h < 2; ++h)
      for (int w = 0; w < 2; ++w) EXPECT_EQ(nchw.data()[(c * 2 + h) * 2 + w], 100 * h + 10 * w + c);
}

TEST(Layouts, FlattenRowsMapChwPositionsToHwcRows) {
  // Sample {h=1, w=2, c=3}: Keras flattens (w, c) as rows 0..5 = (0,0) (0,1) (0,2) (1,0) (1,1)
  // (1,2); PyTorch flattens (c, w): (0,0) (0,1) (1,0) (1,1) (2,0) (2,1).
  EXPECT_EQ(flatten_rows_torch_from_keras(Shape{1, 2, 3}), (std::vector<std::int64_t>{0, 3, 1, 4, 2, 5}));
}

TEST(LayerKinds, UnknownTypeListsTheKnownOnes) {
  try {
    layer_kind("dnese");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown layer type 'dnese' (known: dense"), std::string::npos) << e.what();
  }
}

TEST(LayerKinds, ParserRecordsEachLayersInputShape) {
  const auto e = parse_experiment_text(R"({"data": {"x": [[1, 2, 3]], "y": [[1]]},
      "layers": [{"units": 4}, {"type": "dense", "units": 1, "use_bias": false}], "epochs": 1,
      "torch": {"optimizer": {"name": "sgd", "lr": 0.1}}})",
                                       ".");
  ASSERT_EQ(e.layer_inputs.size(), 2u);
  EXPECT_EQ(e.layer_inputs[0], (Shape{3}));
  EXPECT_EQ(e.layer_inputs[1], (Shape{4}));
  EXPECT_EQ(e.output_shape, (Shape{1}));
  EXPECT_FALSE(e.layers[1].flag("use_bias"));
  EXPECT_TRUE(e.layers[0].flag("use_bias"));
  EXPECT_EQ(e.layers[0].text("activation"), "linear");
}

TEST(LayerKinds, DenseOnImagesNeedsAFlatten) {
  try {
    parse_experiment_text(R"({"data": {"x": [[[[1], [2]], [[3], [4]]]], "y": [[1]]},
        "layers": [{"units": 1}], "epochs": 1, "torch": {"optimizer": {"name": "sgd", "lr": 0.1}}})",
                          ".");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layers[0] (dense): takes one axis of features per sample, got samples of "
                                         "shape [2, 2, 1]"),
              std::string::npos)
        << e.what();
  }
}

TEST(LayerKinds, InitialWeightsWithoutBiasNeedNoBias) {
  const char* doc = R"({"data": {"x": [[1, 2]], "y": [[1]]}, "layers": [{"units": 1, "use_bias": false}],
      "initial_weights": [{"kernel": [[0.5], [0.25]], "bias": [0]}], "epochs": 1,
      "torch": {"optimizer": {"name": "sgd", "lr": 0.1}}})";
  try {
    parse_experiment_text(doc, ".");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("initial_weights[0].bias: unknown key (known here: kernel)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace duet::compare
