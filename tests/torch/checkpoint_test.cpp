// PyTorch checkpoint files: state_dicts written by real PyTorch 1.13 (tests/golden/checkpoints/
// torch, from tools/golden/torch_checkpoints.py) load with their recorded values and
// predictions; Duet's files have PyTorch's layout; hostile files are refused by name.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "checkpoint/pickle.h"
#include "checkpoint/zip_archive.h"
#include "duet/core/error.h"
#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::read_bytes;
using test::TempDir;
using namespace std::string_literals;  // pickles hold NUL bytes

const fs::path kDir = fs::path(DUET_GOLDEN_DIR) / "checkpoints" / "torch";

const nlohmann::ordered_json& recorded() {
  static const nlohmann::ordered_json j = nlohmann::ordered_json::parse(read_bytes(kDir / "values.json"));
  return j;
}

using test::contains;

// Every tensor of `state` equals what PyTorch recorded for it, exactly (float64 and int64 values
// as Duet's documented conversion gives them).
void expect_recorded(const StateDict& state, const nlohmann::ordered_json& expected) {
  ASSERT_EQ(state.size(), expected.size());
  std::size_t i = 0;
  for (const auto& [name, want] : expected.items()) {
    const auto& [got_name, got] = state[i++];
    EXPECT_EQ(got_name, name);
    EXPECT_EQ(got.shape().vec(), want["shape"].get<std::vector<std::int64_t>>()) << name;
    const auto values = want["values"].get<std::vector<double>>();
    ASSERT_EQ(static_cast<std::size_t>(got.numel()), values.size()) << name;
    for (std::size_t k = 0; k < values.size(); ++k) {
      EXPECT_EQ(got.data()[static_cast<Eigen::Index>(k)], static_cast<float>(values[k])) << name << "[" << k << "]";
    }
    const std::string dtype = want["dtype"];
    const DType expected_dtype = dtype == "int64" ? DType::int64 : dtype == "bool" ? DType::boolean : DType::float32;
    EXPECT_EQ(got.dtype(), expected_dtype) << name;
  }
}

TEST(PyTorchCheckpoint, AStateDictFromPyTorchGivesTheSamePredictions) {
  const auto& rec = recorded()["mlp.pt"];
  nn::Sequential model(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  load(model, kDir / "mlp.pt");
  expect_recorded(model->state_dict(), rec["state"]);
  const auto x = Tensor::from_rows(rec["x"].get<std::vector<std::vector<float>>>());
  const auto y = model->forward(x);
  const auto want = rec["y"].get<std::vector<std::vector<double>>>();
  for (std::size_t r = 0; r < want.size(); ++r)
    for (std::size_t c = 0; c < want[r].size(); ++c)
      // Same float32 values and ops; only the summation order of the matrix products may differ.
      EXPECT_NEAR(y.at(static_cast<std::int64_t>(r), static_cast<std::int64_t>(c)), want[r][c], 2e-6);
}

TEST(PyTorchCheckpoint, BuffersDtypesAndViewsLoadExactly) {
  for (const char* file : {"batchnorm.pt", "float64.pt", "views.pt", "mask.pt"}) {
    SCOPED_TRACE(file);
    expect_recorded(load(kDir / file), recorded()[file]["state"]);
  }
  const auto state = load(kDir / "batchnorm.pt");
  EXPECT_EQ(state.back().first, "1.num_batches_tracked");
  EXPECT_EQ(state.back().second.item<std::int64_t>(), 2);
}

TEST(PyTorchCheckpoint, OneTensorFiles) {
  Tensor t;
  load(t, kDir / "tensor.pt");
  expect_recorded({{"t", t}}, nlohmann::ordered_json{{"t", recorded()["tensor.pt"]["tensor"]}});
  EXPECT_TRUE(contains(error_of([] { load(kDir / "tensor.pt"); }), "holds one tensor, not a state_dict"));
  TempDir dir;
  save(Tensor::from_rows({{1, 2}}).to(kLong), dir / "ids.pt");
  Tensor back;
  load(back, dir / "ids.pt");
  EXPECT_EQ(back.dtype(), DType::int64);
  EXPECT_EQ(back.shape().vec(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(contains(error_of([&] { load(back, kDir / "mlp.pt"); }), "holds a state_dict, not one tensor"));
}

TEST(PyTorchCheckpoint, BadFilesAreNamedAndLeaveTheModelUnchanged) {
  nn::Sequential model(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  const auto before = model->state_dict();
  const auto expect_refused = [&](const char* file, const std::vector<std::string>& parts) {
    const auto message = error_of([&] { load(model, kDir / file); });
    EXPECT_TRUE(contains(message, (kDir / file).string())) << message;
    for (const auto& part : parts) EXPECT_TRUE(contains(message, part)) << file << ": " << message;
    const auto after = model->state_dict();
    for (std::size_t i = 0; i < before.size(); ++i) {
      EXPECT_TRUE((before[i].second.data() == after[i].second.data()).all()) << file << " changed " << before[i].first;
    }
  };
  expect_refused("os_system.pt", {"mlp/data.pkl", "global 'posix.system' is not allowed"});
  expect_refused("half.pt", {"half/data.pkl", "torch.HalfStorage", "float16, a dtype Duet lacks"});
  expect_refused("truncated.pt", {"not a readable zip archive"});
  expect_refused("short_storage.pt", {"views/data/0", "holds 16 bytes", "needs 48"});
  expect_refused("legacy.pt", {"format before 1.6"});
  expect_refused("batchnorm.pt", {"Unexpected key(s) in state_dict", "1.num_batches_tracked"});
  const auto message = error_of([&] { load(model, kDir); });
  EXPECT_TRUE(contains(message, "it is a directory")) << message;
}

TEST(PyTorchCheckpoint, DuetWritesPyTorchsLayout) {
  TempDir dir;
  manual_seed(3);
  nn::Sequential model(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  save(model, dir / "net.pt");
  const std::string bytes = read_bytes(dir / "net.pt");
  // The folder is the file's stem; every entry is stored at a 64-byte boundary (torch.save's layout).
  const auto entries = checkpoint::local_data_offsets(bytes);
  std::vector<std::string> names;
  for (const auto& [name, offset] : entries) {
    names.push_back(name);
    EXPECT_EQ(offset % 64, 0u) << name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"net/data.pkl", "net/data/0", "net/data/1", "net/data/2", "net/data/3",
                                             "net/version"}));
  // And it reads back exactly, and as PyTorch's own files do.
  nn::Sequential copy(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  load(copy, dir / "net.pt");
  const auto a = model->state_dict(), b = copy->state_dict();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE((a[i].second.data() == b[i].second.data()).all());
  // Equal state, equal bytes (fixed timestamps).
  save(model, dir / "again.pt");
  EXPECT_EQ(save_state_dict_bytes(model->state_dict(), "net"), bytes);
}

// Hand-made pickles: what the allow-list and the structural limits refuse.
std::string zip_with_pickle(const std::string& pickle) {
  return checkpoint::write_zip({{"a/data.pkl", pickle}, {"a/version", "3\n"}});
}

TEST(PyTorchCheckpoint, TheUnpicklerRefusesWhatAStateDictDoesNotNeed) {
  const auto refused = [](const std::string& pickle) {
    return error_of([&] { load_state_dict_bytes(zip_with_pickle(pickle), "x.pt"); });
  };
  EXPECT_TRUE(contains(refused("\x80\x02" "cbuiltins\neval\n."s), "x.pt: a/data.pkl: global 'builtins.eval' is not allowed"));
  EXPECT_TRUE(contains(refused("\x80\x02" "csubprocess\nPopen\n)R."s), "global 'subprocess.Popen' is not allowed"));
  // A list put inside itself (a reference cycle) and a deep nest are refused, not built.
  EXPECT_TRUE(contains(refused("\x80\x02]2a."s), "put inside itself"));
  EXPECT_TRUE(contains(refused("\x80\x02"s + std::string(40, ']') + std::string(39, 'a') + "."), "nest more than 32"));
  EXPECT_TRUE(contains(refused("\x80\x02}K\x01K\x02s."s), "a dict key is an int"));
  EXPECT_TRUE(contains(refused("\x80\x02" "}X\x01\x00\x00\x00" "a"s), "the pickle is truncated"));
  EXPECT_TRUE(contains(refused("\x80\x02" "I1\n."s), "opcode 0x49 is not one a state_dict uses"));
  EXPECT_TRUE(contains(refused("\x80\x02" "h\x05."s), "memo entry 5 is read before it is written"));
  EXPECT_TRUE(contains(refused("\x80\x02" "N."s), "neither a state_dict nor a tensor"));
  // A storage that would expand: a tensor reading past its storage, and a broadcast view.
  const std::string storage = "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00" "0X\x03\x00\x00\x00" "cpuK\x02tQ"s;
  const std::string past = "\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n("s + storage +
                           "K\x01K\x02\x85K\x01\x85\x89}tRs."s;
  const std::string broadcast = "\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n("s + storage +
                                "K\x00J\x00\x00\x00\x01\x85K\x00\x85\x89}tRs."s;
  const auto with_storage = [](const std::string& pickle) {
    return error_of([&] {
      load_state_dict_bytes(checkpoint::write_zip({{"a/data.pkl", pickle}, {"a/data/0", std::string(8, '\0')}}), "x.pt");
    });
  };
  EXPECT_TRUE(contains(with_storage(past), "tensor 'w': reads element 2 of storage '0', which holds 2")) << with_storage(past);
  EXPECT_TRUE(contains(with_storage(broadcast), "a broadcast view")) << with_storage(broadcast);
}

// A damaged size field (found by checkpoint_fuzz: ~4 GB asked for) is refused by name before
// anything is allocated for it. PyTorch's writer puts the sizes in data descriptors and the
// central directory only, so libzip's consistency check cannot compare them with the local header.
TEST(PyTorchCheckpoint, AnEntrySizeBeyondTheFileIsRefused) {
  const std::string good = read_bytes(kDir / "mlp.pt");
  const auto central = good.find("PK\x01\x02"s);  // the first entry's: mlp/data.pkl
  ASSERT_NE(central, std::string::npos);
  std::string damaged = good;
  const char claimed[4] = {'\x23', '\xa5', '\xfe', '\xf8'};  // 0xf8fea523 bytes
  damaged.replace(central + 24, 4, claimed, 4);                 // the uncompressed size
  const auto message = error_of([&] { load_state_dict_bytes(damaged, "x.pt"); });
  EXPECT_TRUE(contains(message, "x.pt: mlp/data.pkl")) << message;
  EXPECT_TRUE(contains(message, "a size of 4177437987 bytes")) << message;
}

TEST(PyTorchCheckpoint, Int64BeyondFloatRangeIsRefused) {
  const std::string pickle = std::string("\x80\x02}X\x01\x00\x00\x00nctorch._utils\n_rebuild_tensor_v2\n("s) +
                             "(X\x07\x00\x00\x00storagectorch\nLongStorage\nX\x01\x00\x00\x00" "0X\x03\x00\x00\x00" "cpuK\x01tQ"s +
                             "K\x00))\x89}tRs."s;
  std::string big(8, '\0');
  big[3] = 1;  // 2^24
  EXPECT_EQ(load_state_dict_bytes(checkpoint::write_zip({{"a/data.pkl", pickle}, {"a/data/0", big}}), "x.pt")[0]
                .second.item<std::int64_t>(),
            std::int64_t{1} << 24);
  big[0] = 1;  // 2^24 + 1
  EXPECT_TRUE(contains(error_of([&] {
                         load_state_dict_bytes(checkpoint::write_zip({{"a/data.pkl", pickle}, {"a/data/0", big}}), "x.pt");
                       }),
                       "tensor 'n': int64 value 16777217 is beyond 2^24"));
}

}  // namespace
}  // namespace duet::torch
