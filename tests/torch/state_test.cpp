// torch_like state dicts, files and data loading.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "duet/core/error.h"
#include "support/test_helpers.h"
#include "duet/torch.h"

namespace duet::torch {
namespace {

namespace fs = std::filesystem;

using test::error_of;

using test::TempDir;

using test::read_bytes;
void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

nn::Sequential make_net() {
  return nn::Sequential(nn::Linear(2, 3), nn::ReLU(), nn::Linear(3, 1));
}

TEST(StateDict, RoundTripThroughAFile) {
  TempDir dir;
  manual_seed(1);
  auto a = make_net();
  manual_seed(2);
  auto b = make_net();
  save(a->state_dict(), dir / "net.pt");
  b->load_state_dict(load(dir / "net.pt"));
  const auto sa = a->state_dict(), sb = b->state_dict();
  ASSERT_EQ(sa.size(), 4u);
  for (std::size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].first, sb[i].first);
    EXPECT_TRUE((sa[i].second.data() == sb[i].second.data()).all()) << sa[i].first;
  }
  EXPECT_FALSE(fs::exists(dir / "net.pt.tmp"));
}

TEST(StateDict, MismatchesAreNamedAndLeaveTheModelUntouched) {
  manual_seed(1);
  auto net = make_net();
  const auto before = net->state_dict();
  auto state = before;
  state[2].second = Tensor::zeros({3, 5});  // "2.weight" of the wrong shape
  state[0].second = Tensor::full(state[0].second.shape(), 9.0f);
  auto msg = error_of([&] { net->load_state_dict(state); });
  EXPECT_NE(msg.find("size mismatch for 2.weight: copying a param with shape [3, 5] from checkpoint, the shape in "
                     "current model is [1, 3]"),
            std::string::npos)
      << msg;
  EXPECT_TRUE((net->state_dict()[0].second.data() == before[0].second.data()).all());  // not half-loaded
  state = before;
  state.erase(state.begin());
  state.emplace_back("extra", Tensor::zeros({1}));
  msg = error_of([&] { net->load_state_dict(state); });
  EXPECT_NE(msg.find("Missing key(s) in state_dict: \"0.weight\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("Unexpected key(s) in state_dict: \"extra\""), std::string::npos) << msg;
  net->load_state_dict(state, /*strict=*/false);  // skips both
}

// Duet's earlier DUETTNSR files still load through torch::load, with their own checks.
TEST(TensorFile, BadLegacyFilesAreNamed) {
  TempDir dir;
  manual_seed(1);
  auto net = make_net();
  tensor_file::save(dir / "good.pt", "torch.state_dict", net->state_dict());
  net->load_state_dict(load(dir / "good.pt"));
  const std::string good = read_bytes(dir / "good.pt");

  write_bytes(dir / "truncated.pt", good.substr(0, good.size() / 2));
  EXPECT_NE(error_of([&] { load(dir / "truncated.pt"); }).find("truncated or corrupted"), std::string::npos);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  write_bytes(dir / "flipped.pt", flipped);
  EXPECT_NE(error_of([&] { load(dir / "flipped.pt"); }).find("checksum does not match"), std::string::npos);
  write_bytes(dir / "text.pt", "hello, world");
  EXPECT_NE(error_of([&] { load(dir / "text.pt"); }).find("not a PyTorch checkpoint (torch.save's zip archive) nor a Duet tensor file"), std::string::npos);
  std::string newer = good;
  newer[8] = 2;  // version field; the checksum is checked after the version
  write_bytes(dir / "newer.pt", newer);
  EXPECT_NE(error_of([&] { load(dir / "newer.pt"); }).find("format version 2 is newer"), std::string::npos);
  tensor_file::save(dir / "keras.weights", "keras.weights", net->state_dict());
  EXPECT_NE(error_of([&] { load(dir / "keras.weights"); }).find("holds 'keras.weights', expected 'torch.state_dict'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load(dir / "missing.pt"); }).find("cannot open"), std::string::npos);
}

TEST(TensorFile, ACrashBeforeRenameKeepsTheOldFile) {
  TempDir dir;
  manual_seed(1);
  auto net = make_net();
  save(net->state_dict(), dir / "net.pt");
  const std::string old_bytes = read_bytes(dir / "net.pt");
  manual_seed(2);
  auto other = make_net();
  tensor_file::simulate_crash_before_rename(true);
  EXPECT_THROW(save(other->state_dict(), dir / "net.pt"), Error);
  tensor_file::simulate_crash_before_rename(false);
  EXPECT_EQ(read_bytes(dir / "net.pt"), old_bytes);
  net->load_state_dict(load(dir / "net.pt"));  // still loads
}

TEST(DataLoader, BatchesInOrderAndDropLast) {
  const Tensor x = Tensor::from_rows({{0}, {1}, {2}, {3}, {4}});
  const Tensor y = Tensor::from_rows({{10}, {11}, {12}, {13}, {14}});
  utils::data::TensorDataset ds(x, y);
  std::vector<std::int64_t> sizes;
  float first = -1;
  for (const auto& [xb, yb] : utils::data::DataLoader(ds, {.batch_size = 2})) {
    if (first < 0) first = xb.at(0, 0);
    sizes.push_back(xb.shape()[0]);
    EXPECT_FLOAT_EQ(yb.at(0, 0), xb.at(0, 0) + 10);
  }
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{2, 2, 1}));
  EXPECT_EQ(first, 0.0f);
  EXPECT_EQ(utils::data::DataLoader(ds, {.batch_size = 2, .drop_last = true}).size(), 2);
  EXPECT_NE(error_of([&] { utils::data::TensorDataset bad(x, Tensor::zeros({4, 1})); }).find("Size mismatch"),
            std::string::npos);
  const Tensor with_inf = Tensor::from_rows({{0}, {1}, {INFINITY}, {3}, {4}});
  EXPECT_NE(error_of([&] { utils::data::TensorDataset bad(with_inf, y); }).find("x has a non-finite value (inf) at row 2, column 0"),
            std::string::npos);
}

TEST(DataLoader, OwnsATemporaryDataset) {
  // The dataset is a temporary that dies before the loop starts; the loader keeps its own copy.
  const utils::data::DataLoader loader(
      utils::data::TensorDataset(Tensor::from_rows({{0}, {1}, {2}}), Tensor::from_rows({{5}, {6}, {7}})),
      {.batch_size = 2});
  std::vector<float> ys;
  for (const auto& [xb, yb] : loader)
    for (Eigen::Index i = 0; i < yb.data().size(); ++i) ys.push_back(yb.data()[i]);
  EXPECT_EQ(ys, (std::vector<float>{5, 6, 7}));
}

TEST(DataLoader, ShuffleVisitsEveryRowOnceAndIsSeeded) {
  Tensor::Array v(20);
  for (int i = 0; i < 20; ++i) v[i] = static_cast<float>(i);
  const Tensor x = Tensor::from_array({20, 1}, v);
  utils::data::TensorDataset ds(x, x);
  auto epoch = [&] {
    std::vector<float> seen;
    for (const auto& [xb, yb] : utils::data::DataLoader(ds, {.batch_size = 3, .shuffle = true}))
      for (Eigen::Index i = 0; i < xb.data().size(); ++i) seen.push_back(xb.data()[i]);
    return seen;
  };
  manual_seed(5);
  const auto a = epoch(), a2 = epoch();
  manual_seed(5);
  EXPECT_EQ(epoch(), a);
  EXPECT_NE(a, a2);  // a new order each epoch
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(sorted[static_cast<std::size_t>(i)], static_cast<float>(i));
}

}  // namespace
}  // namespace duet::torch
