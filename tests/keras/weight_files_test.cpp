// Keras weight files: Keras 3 .weights.h5 and legacy Keras 2 .h5 fixtures written with h5py in
// Keras' own layouts (tools/golden/keras_weight_files.py) load with their values and
// predictions; Duet's save_weights writes that layout; files that do not fit are named.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "duet/core/error.h"
#include "duet/core/tensor_file.h"
#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::read_bytes;
using test::TempDir;

const fs::path kDir = fs::path(DUET_GOLDEN_DIR) / "checkpoints" / "keras";

const nlohmann::ordered_json& recorded() {
  static const nlohmann::ordered_json j = nlohmann::ordered_json::parse(read_bytes(kDir / "values.json"));
  return j;
}

using test::contains;

Sequential make_mlp() {
  Sequential model({layers::Dense(4, {.activation = "relu", .input_shape = {3}}), layers::Dense(2)});
  return model;
}

std::vector<float> flat(const nlohmann::ordered_json& nested) {
  std::vector<float> out;
  if (nested.is_array()) {
    for (const auto& v : nested) {
      const auto inner = flat(v);
      out.insert(out.end(), inner.begin(), inner.end());
    }
  } else {
    out.push_back(nested.get<float>());
  }
  return out;
}

void expect_values(const Tensor& t, const nlohmann::ordered_json& want) {
  const auto values = flat(want);
  ASSERT_EQ(static_cast<std::size_t>(t.numel()), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(t.data()[static_cast<Eigen::Index>(i)], values[i]) << i;
}

// The recorded MLP's weights, exactly, and its predictions (float32 sums in another order).
void expect_recorded_mlp(Sequential& model) {
  const auto weights = model.get_weights();
  ASSERT_EQ(weights.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) expect_values(weights[i], recorded()["weights"][i]);
  const auto y = model.predict(Tensor::from_rows(recorded()["x"].get<std::vector<std::vector<float>>>()));
  const auto want = flat(recorded()["y"]);
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(y.data()[static_cast<Eigen::Index>(i)], want[i], 2e-6);
}

TEST(KerasWeightFiles, Keras3LayoutLoadsWithTheSamePredictions) {
  for (const char* file : {"mlp.weights.h5", "mlp-keras2.h5"}) {
    SCOPED_TRACE(file);
    auto model = make_mlp();
    model.load_weights(kDir / file);
    expect_recorded_mlp(model);
  }
}

TEST(KerasWeightFiles, NonTrainableVariablesAndIntegerDatasets) {
  Sequential model({layers::Normalization(), layers::Dense(4)});
  model.build(3);
  model.load_weights(kDir / "normalization.weights.h5");
  const auto weights = model.get_weights();
  ASSERT_EQ(weights.size(), 5u);
  expect_values(weights[0], recorded()["normalization"][0]);
  expect_values(weights[1], recorded()["normalization"][1]);
  EXPECT_EQ(weights[2].item(), 10.0f);  // an int64 scalar "count"
  expect_values(weights[3], recorded()["weights"][0]);
}

TEST(KerasWeightFiles, SaveWritesKeras3sLayout) {
  TempDir dir;
  auto model = make_mlp();
  model.load_weights(kDir / "mlp.weights.h5");
  model.save_weights(dir / "copy.weights.h5");
  // Read back with libhdf5 directly: the groups and datasets saving_lib.py writes, float32.
  const std::string path = (dir / "copy.weights.h5").string();
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const char* group : {"vars", "layers", "layers/dense/vars", "layers/dense_1/vars"}) {
    EXPECT_GT(H5Lexists(f, group, H5P_DEFAULT), 0) << group;
  }
  const hid_t ds = H5Dopen2(f, "layers/dense_1/vars/0", H5P_DEFAULT);
  ASSERT_GE(ds, 0);
  const hid_t type = H5Dget_type(ds);
  EXPECT_GT(H5Tequal(type, H5T_IEEE_F32LE), 0);
  const hid_t space = H5Dget_space(ds);
  hsize_t dims[2] = {};
  EXPECT_EQ(H5Sget_simple_extent_dims(space, dims, nullptr), 2);
  EXPECT_EQ(dims[0], 4u);
  EXPECT_EQ(dims[1], 2u);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
  H5Fclose(f);
  auto again = make_mlp();
  again.load_weights(dir / "copy.weights.h5");
  const auto a = model.get_weights(), b = again.get_weights();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE((a[i].data() == b[i].data()).all());
  EXPECT_EQ(model.weight_file_paths(), (std::vector<std::string>{"layers/dense", "layers/dense_1"}));
  EXPECT_TRUE(contains(error_of([&] { model.save_weights(dir / "model.h5"); }),
                       "The filename must end in `.weights.h5`. Received: filepath="));
}

TEST(KerasWeightFiles, FilesThatDoNotFitAreNamedAndChangeNothing) {
  auto model = make_mlp();
  const auto before = model.get_weights();
  const auto expect_refused = [&](const fs::path& file, const std::vector<std::string>& parts) {
    const auto message = error_of([&] { model.load_weights(file); });
    EXPECT_TRUE(contains(message, file.string())) << message;
    for (const auto& part : parts) EXPECT_TRUE(contains(message, part)) << file << ": " << message;
    const auto after = model.get_weights();
    for (std::size_t i = 0; i < before.size(); ++i) EXPECT_TRUE((before[i].data() == after[i].data()).all()) << file;
  };
  expect_refused(kDir / "no-layers.weights.h5", {"no group 'layers'", "not a Keras 3 .weights.h5 file"});
  expect_refused(kDir / "wrong-count.weights.h5",
                 {"layers/dense_1/vars: holds 1 variables; layer 'dense_1' (Dense) expected 2 variables (kernel, bias)"});
  expect_refused(kDir / "wrong-shape.weights.h5", {"layers/dense/vars/0: shape (4, 3); layer 'dense' (Dense) has kernel of shape (3, 4)"});
  expect_refused(kDir / "extra-layer.weights.h5", {"layers/dense_2", "a layer the model does not have"});
  expect_refused(kDir / "strings.weights.h5", {"layers/dense/vars/0: holds something other than numbers"});
  // Memory is bounded by the file's real size, not by the 12,000,000 values a dataset claims.
  expect_refused(kDir / "compressed.weights.h5",
                 {"layers/dense/vars/0: claims more values than the file holds"});
  expect_refused(kDir / "wrong-count-keras2.h5", {"Layer count mismatch", "Model expected 2 layers, found 1 saved layers"});
  expect_refused(fs::path(DUET_GOLDEN_DIR) / "checkpoints" / "torch" / "mlp.pt", {"File format not supported"});
  TempDir dir;
  std::ofstream(dir / "text.weights.h5") << "not hdf5";
  expect_refused(dir / "text.weights.h5", {"not an HDF5 file"});
  const std::string good = read_bytes(kDir / "mlp.weights.h5");
  std::ofstream(dir / "cut.weights.h5", std::ios::binary) << good.substr(0, good.size() / 2);
  expect_refused(dir / "cut.weights.h5", {"cut.weights.h5"});
  fs::create_directories(dir / "folder.weights.h5");
  expect_refused(dir / "folder.weights.h5", {"it is a directory"});
}

TEST(KerasWeightFiles, DuetsEarlierFormatStillLoads) {
  TempDir dir;
  auto model = make_mlp();
  model.load_weights(kDir / "mlp.weights.h5");
  tensor_file::NamedTensors named;
  const auto weights = model.get_weights();
  const char* names[] = {"kernel", "bias"};
  for (std::size_t i = 0; i < weights.size(); ++i) {
    named.emplace_back(model.layers()[i / 2]->name() + "/" + names[i % 2], weights[i]);
  }
  tensor_file::save(dir / "old.weights", "keras.weights", named);
  auto other = make_mlp();
  other.load_weights(dir / "old.weights");
  const auto back = other.get_weights();
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_TRUE((back[i].data() == weights[i].data()).all());
}

}  // namespace
}  // namespace duet::keras
