// torch::data: datasets, map, transforms, samplers, data loaders and the MNIST reader, in
// libtorch's names and call shapes, with MNIST-format files written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using test::error_of;

// A user dataset as libtorch's docs write one: example i has data [i, 10 i] and target i.
struct Counting : data::datasets::Dataset<Counting> {
  explicit Counting(std::size_t n) : n_(n) {}
  data::Example<> get(std::size_t index) override {
    const auto i = static_cast<double>(index);
    return {tensor({i, 10 * i}), tensor(static_cast<std::int64_t>(index))};
  }
  std::optional<std::size_t> size() const override { return n_; }
  std::size_t n_;
};

std::vector<std::int64_t> targets_of(const Tensor& target) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 0; i < target.size(0); ++i) out.push_back(target[i].item<std::int64_t>());
  return out;
}

TEST(TorchData, DataLoaderOptionsHaveLibtorchsDefaultsAndBuilders) {
  const data::DataLoaderOptions defaults;
  EXPECT_EQ(defaults.batch_size(), 1u);
  EXPECT_EQ(defaults.workers(), 0u);
  EXPECT_TRUE(defaults.enforce_ordering());
  EXPECT_FALSE(defaults.drop_last());
  const auto options = data::DataLoaderOptions().batch_size(64).workers(2).drop_last(true);
  EXPECT_EQ(options.batch_size(), 64u);
  EXPECT_EQ(options.workers(), 2u);
  EXPECT_TRUE(options.drop_last());
  EXPECT_EQ(data::DataLoaderOptions(32).batch_size(), 32u);
}

TEST(TorchData, SequentialLoaderStacksBatchesInOrder) {
  auto dataset = Counting(10).map(data::transforms::Stack<>());
  EXPECT_EQ(dataset.size().value(), 10u);
  auto loader = data::make_data_loader<data::samplers::SequentialSampler>(std::move(dataset), 4);
  std::vector<std::vector<std::int64_t>> batches;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.data.sizes(), (std::vector<std::int64_t>{static_cast<std::int64_t>(batch.target.size(0)), 2}));
    EXPECT_EQ(batch.target.dtype(), kLong);
    batches.push_back(targets_of(batch.target));
  }
  EXPECT_EQ(batches, (std::vector<std::vector<std::int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));
  // drop_last drops the short batch; a second pass starts over.
  auto dropping = data::make_data_loader<data::samplers::SequentialSampler>(
      Counting(10).map(data::transforms::Stack<>()), data::DataLoaderOptions().batch_size(4).drop_last(true));
  for (int pass = 0; pass < 2; ++pass) {
    int count = 0;
    for (const data::Example<>& batch : *dropping) count += static_cast<int>(batch.target.size(0));
    EXPECT_EQ(count, 8) << "pass " << pass;
  }
}

TEST(TorchData, RandomLoaderDrawsAFreshPermutationEachPassFromTheSeed) {
  auto epoch_orders = [] {
    manual_seed(3);
    auto loader = data::make_data_loader(Counting(12).map(data::transforms::Stack<>()), data::DataLoaderOptions(5));
    std::vector<std::vector<std::int64_t>> orders;
    for (int epoch = 0; epoch < 2; ++epoch) {
      std::vector<std::int64_t> order;
      for (auto& batch : *loader) {
        for (auto t : targets_of(batch.target)) order.push_back(t);
      }
      orders.push_back(order);
    }
    return orders;
  };
  const auto orders = epoch_orders();
  for (const auto& order : orders) {
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::int64_t> all(12);
    for (int i = 0; i < 12; ++i) all[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(sorted, all) << "every example exactly once per epoch";
  }
  EXPECT_NE(orders[0], orders[1]) << "a new order each epoch";
  EXPECT_EQ(epoch_orders(), orders) << "the same orders from the same seed";
}

TEST(TorchData, BadLoaderSettingsAreClearErrors) {
  EXPECT_NE(error_of([] { data::make_data_loader(Counting(3).map(data::transforms::Stack<>()), 0); }).find("batch_size"),
            std::string::npos);
  EXPECT_EQ(error_of([] { data::transforms::Stack<>().apply_batch({}); }), "Stack: cannot stack an empty batch");
}

TEST(TorchData, NormalizeAndLambdaMapEachExample) {
  const data::Example<> example(tensor({{{0.5, 1.0}}}), tensor(std::int64_t{3}));  // [1, 1, 2]
  auto normalized = data::transforms::Normalize<>(0.5, 0.25).apply(example);
  EXPECT_TRUE(allclose(normalized.data, tensor({{{0.0, 2.0}}})));
  EXPECT_EQ(normalized.target.item<std::int64_t>(), 3);
  // Per channel: [2, 1, 1] data, channel c uses mean[c] and stddev[c].
  auto two_channels = data::transforms::Normalize<>({1.0, 2.0}, {2.0, 4.0})(tensor({{{3.0}}, {{6.0}}}));
  EXPECT_TRUE(allclose(two_channels, tensor({{{1.0}}, {{1.0}}})));
  EXPECT_NE(error_of([] { data::transforms::Normalize<>({1.0, 2.0}, {1.0, 1.0})(zeros({3, 1, 1})); }).find("2 channel"),
            std::string::npos);
  EXPECT_EQ(error_of([] { data::transforms::Normalize<>(0.0, 0.0); }), "Normalize: stddev must not be 0 (it divides)");
  data::transforms::Lambda<data::Example<>> doubled([](data::Example<> e) { return data::Example<>(e.data * 2, e.target); });
  EXPECT_TRUE(equal(doubled.apply(example).data, tensor({{{1.0, 2.0}}})));
}

// ---- MNIST ----

void put_int32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xffu));
}

// An idx3 images file of `count` 28x28 images, pixel p of image i = (i + p) % 256, and the
// matching idx1 labels file, label i = i % 10.
struct IdxFiles {
  std::string images, labels;
  explicit IdxFiles(std::uint32_t count, std::uint32_t image_magic = 2051) {
    put_int32(images, image_magic);
    put_int32(images, count);
    put_int32(images, 28);
    put_int32(images, 28);
    for (std::uint32_t i = 0; i < count; ++i) {
      for (std::uint32_t p = 0; p < 784; ++p) images.push_back(static_cast<char>((i + p) % 256));
    }
    put_int32(labels, 2049);
    put_int32(labels, count);
    for (std::uint32_t i = 0; i < count; ++i) labels.push_back(static_cast<char>(i % 10));
  }
  void write(const test::TempDir& dir, const std::string& prefix) const {
    std::ofstream(dir / (prefix + "-images-idx3-ubyte"), std::ios::binary) << images;
    std::ofstream(dir / (prefix + "-labels-idx1-ubyte"), std::ios::binary) << labels;
  }
};

std::string folder(const test::TempDir& dir) { return (dir / "").string(); }

TEST(TorchData, MnistReadsTheFourIdxFiles) {
  const test::TempDir dir("duet_mnist_read");
  IdxFiles(5).write(dir, "train");
  IdxFiles(3).write(dir, "t10k");
  data::datasets::MNIST train(folder(dir));
  EXPECT_TRUE(train.is_train());
  EXPECT_EQ(train.size().value(), 5u);
  EXPECT_EQ(train.images().sizes(), (std::vector<std::int64_t>{5, 1, 28, 28}));
  EXPECT_EQ(train.targets().dtype(), kLong);
  const auto example = train.get(2);
  EXPECT_EQ(example.data.sizes(), (std::vector<std::int64_t>{1, 28, 28}));
  // Pixel (row 1, column 3) of image 2 is byte (2 + 31) % 256 = 33, read as 33 / 255.
  EXPECT_FLOAT_EQ(example.data.index({0, 1, 3}).item<float>(), 33.0f / 255.0f);
  EXPECT_EQ(example.target.item<std::int64_t>(), 2);
  data::datasets::MNIST test_set(folder(dir), data::datasets::MNIST::Mode::kTest);
  EXPECT_FALSE(test_set.is_train());
  EXPECT_EQ(test_set.size().value(), 3u);

  // The mnist example's pipeline: Normalize, Stack, a sequential loader.
  auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
      data::datasets::MNIST(folder(dir))
          .map(data::transforms::Normalize<>(0.1307, 0.3081))
          .map(data::transforms::Stack<>()),
      data::DataLoaderOptions().batch_size(2));
  std::int64_t seen = 0;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.data.size(1), 1);
    if (seen == 0) {
      EXPECT_NEAR(batch.data.index({1, 0, 0, 0}).item<float>(), (1.0f / 255.0f - 0.1307f) / 0.3081f, 1e-6f);
    }
    seen += batch.data.size(0);
  }
  EXPECT_EQ(seen, 5);
}

TEST(TorchData, MnistBadFilesAreOneClearErrorNamingTheFile) {
  const test::TempDir dir("duet_mnist_bad");
  const auto error = [&] { return error_of([&] { data::datasets::MNIST mnist(folder(dir)); }); };
  const std::string images = (dir / "train-images-idx3-ubyte").string();
  const std::string labels = (dir / "train-labels-idx1-ubyte").string();

  EXPECT_EQ(error_of([] { data::datasets::MNIST mnist("/nonexistent/mnist"); }),
            "MNIST: the dataset folder '/nonexistent/mnist' does not exist (or is not a folder)");
  EXPECT_EQ(error(), "MNIST: Error opening images file at " + images);

  IdxFiles(2, /*image_magic=*/2049).write(dir, "train");
  EXPECT_EQ(error(), "MNIST: " + images + ": Expected to read number 2051 but found 2049 instead (magic number of an idx3 images file)");

  IdxFiles files(2);
  files.images.pop_back();  // truncated
  files.write(dir, "train");
  EXPECT_EQ(error(), "MNIST: " + images + " is truncated: its header announces 2 images (1568 bytes) but only 1567 bytes follow");

  files = IdxFiles(2);
  files.images += std::string(784, '\0');  // a third image the count does not announce
  files.write(dir, "train");
  EXPECT_NE(error().find("the count 2 images in its header does not match the file size"), std::string::npos);

  files = IdxFiles(2);
  files.labels = IdxFiles(3).labels;
  files.write(dir, "train");
  EXPECT_EQ(error(), "MNIST: " + labels + " holds 3 labels but the images file beside it holds 2 images");

  files = IdxFiles(2);
  files.images.resize(10);  // ends inside the header
  files.write(dir, "train");
  EXPECT_EQ(error(), "MNIST: " + images + " is truncated: 10 bytes end before its header's rows per image");
}

}  // namespace
}  // namespace duet::torch
