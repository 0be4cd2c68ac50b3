// A compiled optimizer's state in Keras 3 .weights.h5 files (group optimizer/vars): written as
// Keras 3 writes it (keras/src/optimizers/base_optimizer.py save_own_variables and each
// optimizer's build, Keras 3.15.1), restored so that training resumes bit for bit, skipped with
// Keras' warning when the counts differ, and refused by name (changing nothing) when a variable
// has the wrong shape or dtype.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "duet/core/error.h"
#include "duet/keras.h"
#include "support/test_helpers.h"

namespace duet::keras::optimizer_weights_test {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(DUET_GOLDEN_DIR) / "checkpoints" / "keras";

// Six samples of y = x0 - 2 x1 + 0.5, three batches of two: several updates per epoch.
const Tensor kX = Tensor::from_rows({{0.5f, -1.0f}, {1.5f, 0.25f}, {-0.75f, 2.0f}, {1.0f, 1.0f}, {-2.0f, 0.5f}, {0.0f, -1.5f}});
const Tensor kY = Tensor::from_rows({{3.0f}, {1.5f}, {-4.75f}, {-0.5f}, {-2.5f}, {3.5f}});
const FitOptions kOneEpoch{.epochs = 1, .batch_size = 2, .shuffle = false, .verbose = 0};

Sequential two_dense_layers(std::uint64_t seed) {
  utils::set_random_seed(seed);
  return Sequential({layers::Dense(3, {.activation = "tanh", .input_shape = {2}}), layers::Dense(1)});
}

// The MLP of the h5py fixtures: Dense(4, relu) then Dense(2) on 3 features.
Sequential fixture_mlp() {
  return Sequential({layers::Dense(4, {.activation = "relu", .input_shape = {3}}), layers::Dense(2)});
}

bool same_values(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].shape() == b[i].shape()) || !(a[i].data() == b[i].data()).all()) return false;
  }
  return true;
}

std::vector<Tensor> slot_values(const optimizers::Optimizer& optimizer) {
  std::vector<Tensor> out;
  for (const auto& slot : optimizer.slots()) out.push_back(slot.value);
  return out;
}

// Every dataset of optimizer/vars as "<type><bytes> <shape>" ("i8 ()", "f4 (3, 4)"), in index
// order, read with libhdf5 itself; "absent" without the group.
std::vector<std::string> optimizer_layout(const fs::path& file) {
  const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  std::vector<std::string> out;
  if (H5Lexists(f, "optimizer", H5P_DEFAULT) <= 0) {
    H5Fclose(f);
    return {"absent"};
  }
  const hid_t g = H5Gopen2(f, "optimizer/vars", H5P_DEFAULT);
  H5G_info_t info{};
  H5Gget_info(g, &info);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const hid_t ds = H5Dopen2(g, std::to_string(i).c_str(), H5P_DEFAULT);
    if (ds < 0) {
      out.push_back("missing " + std::to_string(i));
      continue;
    }
    const hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    const bool little = H5Tget_order(type) == H5T_ORDER_LE;
    std::string s = (H5Tget_class(type) == H5T_INTEGER ? "i" : H5Tget_class(type) == H5T_FLOAT ? "f" : "?") +
                    std::to_string(H5Tget_size(type)) + (little ? "" : "be") + " (";
    hsize_t dims[4] = {};
    const int rank = H5Sget_simple_extent_dims(space, dims, nullptr);
    for (int k = 0; k < rank; ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
    out.push_back(s + (rank == 1 ? ",)" : ")"));
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(ds);
  }
  if (H5Aexists(g, "name") > 0) {
    const hid_t attr = H5Aopen(g, "name", H5P_DEFAULT);
    const hid_t type = H5Aget_type(attr);
    char* text = nullptr;
    const hid_t memtype = H5Tcopy(H5T_C_S1);
    H5Tset_size(memtype, H5T_VARIABLE);
    H5Tset_cset(memtype, H5Tget_cset(type));
    if (H5Tis_variable_str(type) > 0 && H5Aread(attr, memtype, &text) >= 0 && text != nullptr) {
      out.push_back(std::string("name=") + text);
      H5free_memory(text);
    }
    H5Tclose(memtype);
    H5Tclose(type);
    H5Aclose(attr);
  }
  H5Gclose(g);
  H5Fclose(f);
  return out;
}

// Captures Keras' output (fit's, and load_weights' warnings) for one call.
std::string output_of(const std::function<void()>& f) {
  std::ostringstream out;
  const auto saved = utils::set_output_sink(std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  try {
    f();
  } catch (...) {
    utils::restore_output_sinks(saved);
    throw;
  }
  utils::restore_output_sinks(saved);
  return out.str();
}

// Two epochs in one run against one epoch, save_weights, a fresh model (other initial weights)
// compiled with a fresh optimizer, built as Keras requires (optimizer.build), load_weights, one
// epoch: the same weights, bit for bit, and the same optimizer state.
void expect_resumes_exactly(const std::function<OptimizerSpec()>& make_optimizer, const std::string& tag) {
  SCOPED_TRACE(tag);
  const test::TempDir dir("duet_keras_optimizer_resume");
  const fs::path file = dir / "epoch1.weights.h5";
  Sequential straight = two_dense_layers(1);
  straight.compile(make_optimizer(), "mse");
  straight.fit(kX, kY, kOneEpoch);
  straight.save_weights(file);
  straight.fit(kX, kY, kOneEpoch);

  Sequential resumed = two_dense_layers(2);
  resumed.compile(make_optimizer(), "mse");
  resumed.optimizer().build(resumed.trainable_weights());
  resumed.load_weights(file);
  EXPECT_EQ(resumed.optimizer().iterations(), 3);
  resumed.fit(kX, kY, kOneEpoch);

  EXPECT_TRUE(same_values(resumed.get_weights(), straight.get_weights()));
  EXPECT_EQ(resumed.optimizer().iterations(), straight.optimizer().iterations());
  EXPECT_EQ(resumed.optimizer().learning_rate(), straight.optimizer().learning_rate());
  EXPECT_TRUE(same_values(slot_values(resumed.optimizer()), slot_values(straight.optimizer())));
}

TEST(KerasOptimizerWeights, TrainingResumesExactlyFromAWeightsFile) {
  using namespace optimizers;
  expect_resumes_exactly([] { return SGD({.learning_rate = 0.05f, .momentum = 0.9f}); }, "sgd momentum");
  expect_resumes_exactly([] { return SGD({.learning_rate = 0.05f, .momentum = 0.5f, .nesterov = true}); }, "nesterov");
  // A large epsilon and betas far from 1 make every step's bias correction count.
  expect_resumes_exactly([] { return Adam({.learning_rate = 0.1f, .beta_1 = 0.5f, .beta_2 = 0.6f, .epsilon = 0.1f}); },
                         "adam");
  expect_resumes_exactly([] { return Adam({.learning_rate = 0.1f, .beta_1 = 0.5f, .beta_2 = 0.6f, .amsgrad = true}); },
                         "adam amsgrad");
  expect_resumes_exactly([] { return AdamW({.learning_rate = 0.1f, .beta_1 = 0.5f, .weight_decay = 0.1f}); }, "adamw");
  expect_resumes_exactly([] { return RMSprop({.learning_rate = 0.01f, .momentum = 0.5f, .centered = true}); },
                         "rmsprop");
  expect_resumes_exactly([] { return Adagrad({.learning_rate = 0.1f}); }, "adagrad");
  // A schedule reads the restored iteration count: Keras stores no learning rate then.
  expect_resumes_exactly([] { return SGD(schedules::ExponentialDecay(0.1f, 1, 0.5f), {.momentum = 0.9f}); },
                         "sgd schedule");
}

// The learning rate is a variable Keras saves and restores (a callback may have changed it).
TEST(KerasOptimizerWeights, TheSavedLearningRateReplacesTheCompiledOne) {
  const test::TempDir dir("duet_keras_optimizer_lr");
  Sequential model = two_dense_layers(1);
  model.compile(optimizers::SGD({.learning_rate = 0.05f, .momentum = 0.9f}), "mse");
  model.fit(kX, kY, kOneEpoch);
  model.optimizer().set_learning_rate(0.0125f);  // as ReduceLROnPlateau would
  model.save_weights(dir / "m.weights.h5");
  Sequential other = two_dense_layers(2);
  other.compile(optimizers::SGD({.learning_rate = 0.05f, .momentum = 0.9f}), "mse");
  other.optimizer().build(other.trainable_weights());
  other.load_weights(dir / "m.weights.h5");
  EXPECT_EQ(other.optimizer().learning_rate(), 0.0125f);
}

// Keras 3's layout for the MLP of the fixtures (kernel (3, 4), bias (4,), kernel (4, 2), bias
// (2,)), read from each optimizer's build: "i8 ()" the iteration count, "f4 ()" the learning rate.
TEST(KerasOptimizerWeights, FilesHoldKeras3sOptimizerVariablesInItsOrder) {
  const test::TempDir dir("duet_keras_optimizer_layout");
  const Tensor x = Tensor::from_rows({{0.5f, -1.0f, 2.0f}, {1.5f, 0.25f, -0.75f}});
  const Tensor y = Tensor::from_rows({{1.0f, 0.0f}, {0.0f, 1.0f}});
  const auto layout_after = [&](OptimizerSpec optimizer, int fits) {
    Sequential model = fixture_mlp();
    model.compile(std::move(optimizer), "mse");
    for (int i = 0; i < fits; ++i) model.fit(x, y, {.epochs = 1, .verbose = 0});
    model.save_weights(dir / "m.weights.h5");
    return optimizer_layout(dir / "m.weights.h5");
  };
  using V = std::vector<std::string>;
  const V per_variable{"f4 (3, 4)", "f4 (4,)", "f4 (4, 2)", "f4 (2,)"};
  const auto head = [](V tail, const std::string& name, bool learning_rate = true) {
    V out{"i8 ()"};
    if (learning_rate) out.push_back("f4 ()");
    out.insert(out.end(), tail.begin(), tail.end());
    out.push_back("name=" + name);
    return out;
  };
  const auto times = [&](int n) {
    V out;
    for (int i = 0; i < n; ++i) out.insert(out.end(), per_variable.begin(), per_variable.end());
    return out;
  };
  // Adam: a momentum and a velocity per variable, interleaved; the h5py fixture has the same.
  const V adam = head({"f4 (3, 4)", "f4 (3, 4)", "f4 (4,)", "f4 (4,)", "f4 (4, 2)", "f4 (4, 2)", "f4 (2,)", "f4 (2,)"},
                      "adam");
  EXPECT_EQ(layout_after(optimizers::Adam(), 1), adam);
  EXPECT_EQ(optimizer_layout(kFixtures / "mlp-adam.weights.h5"), adam);
  // amsgrad: then a velocity_hat per variable.
  V amsgrad = adam;
  amsgrad.insert(amsgrad.end() - 1, per_variable.begin(), per_variable.end());
  EXPECT_EQ(layout_after(optimizers::Adam({.amsgrad = true}), 1), amsgrad);
  EXPECT_EQ(layout_after(optimizers::AdamW(), 1), head(V(adam.begin() + 2, adam.end() - 1), "adam_w"));
  // RMSprop: all velocities, then all momentums, then all average gradients.
  EXPECT_EQ(layout_after(optimizers::RMSprop({.momentum = 0.5f, .centered = true}), 1), head(times(3), "rm_sprop"));
  EXPECT_EQ(layout_after(optimizers::RMSprop(), 1), head(times(1), "rm_sprop"));
  EXPECT_EQ(layout_after(optimizers::SGD({.momentum = 0.9f}), 1), head(times(1), "sgd"));
  EXPECT_EQ(layout_after(optimizers::SGD(), 1), head({}, "sgd"));  // momentum 0: no slots
  EXPECT_EQ(layout_after(optimizers::Adagrad(), 1), head(times(1), "adagrad"));
  // A schedule: no learning_rate variable.
  EXPECT_EQ(layout_after(optimizers::SGD(optimizers::schedules::ExponentialDecay(0.1f, 10, 0.5f), {.momentum = 0.9f}), 1),
            head(times(1), "sgd", false));
  // Compiled, never trained: the optimizer is not built, its iteration count and learning rate
  // exist from its constructor, and Keras writes them.
  EXPECT_EQ(layout_after(optimizers::Adam(), 0), head({}, "adam"));
  // Not compiled: no optimizer at all.
  Sequential plain = fixture_mlp();
  plain.save_weights(dir / "plain.weights.h5");
  EXPECT_EQ(optimizer_layout(dir / "plain.weights.h5"), V{"absent"});
}

// The h5py fixture in Keras' layout (an Adam after 7 steps at learning rate 0.001) restores the
// iteration count, the learning rate and every slot into a compiled, built model.
TEST(KerasOptimizerWeights, AKeras3FileRestoresTheOptimizer) {
  const auto recorded = nlohmann::json::parse(test::read_bytes(kFixtures / "values.json"));
  Sequential model = fixture_mlp();
  model.compile(optimizers::Adam(0.01f), "mse");
  model.optimizer().build(model.trainable_weights());
  const std::string printed = output_of([&] { model.load_weights(kFixtures / "mlp-adam.weights.h5"); });
  EXPECT_EQ(printed, "");
  const auto& optimizer = model.optimizer();
  EXPECT_EQ(optimizer.iterations(), 7);
  EXPECT_EQ(optimizer.learning_rate(), 0.001f);
  const auto slots = optimizer.slots();
  ASSERT_EQ(slots.size(), 8u);
  const char* kinds[] = {"momentum", "velocity"};
  for (std::size_t k = 0; k < slots.size(); ++k) {
    EXPECT_EQ(slots[k].kind, kinds[k % 2]) << k;
    EXPECT_EQ(slots[k].variable, k / 2) << k;
    std::vector<float> want;
    const auto& v = recorded["adam_slots"][k];
    if (v.is_array() && !v.empty() && v[0].is_array()) {
      for (const auto& row : v)
        for (const auto& e : row) want.push_back(e.get<float>());
    } else {
      for (const auto& e : v) want.push_back(e.get<float>());
    }
    ASSERT_EQ(static_cast<std::size_t>(slots[k].value.numel()), want.size()) << k;
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(slots[k].value.data()[static_cast<Eigen::Index>(i)], want[i]);
  }
}

// Keras' load_own_variables: a count that differs (here: an optimizer not built yet, 2 variables
// against the file's 10) skips the optimizer with Keras' warning; the layers still load. An
// uncompiled model has no optimizer and reads none.
TEST(KerasOptimizerWeights, ADifferentVariableCountSkipsTheOptimizerWithKerasWarning) {
  Sequential model = fixture_mlp();
  model.compile(optimizers::Adam(0.01f), "mse");
  const std::string printed = output_of([&] { model.load_weights(kFixtures / "mlp-adam.weights.h5"); });
  EXPECT_EQ(printed,
            "Skipping variable loading for optimizer 'adam', because it has 2 variables whereas the saved optimizer "
            "has 10 variables. This is likely because the optimizer has not been called/built yet.\n");
  EXPECT_FALSE(model.optimizer().built());
  EXPECT_EQ(model.optimizer().iterations(), 0);
  EXPECT_EQ(model.optimizer().learning_rate(), 0.01f);
  Sequential fixture_layers = fixture_mlp();
  fixture_layers.load_weights(kFixtures / "mlp.weights.h5");
  EXPECT_TRUE(same_values(model.get_weights(), fixture_layers.get_weights()));

  // Built, and a file without an optimizer (saved uncompiled; Keras reads an empty store).
  const test::TempDir dir("duet_keras_optimizer_skip");
  fixture_layers.save_weights(dir / "layers-only.weights.h5");
  Sequential built = fixture_mlp();
  built.compile(optimizers::SGD({.momentum = 0.9f}), "mse");
  built.optimizer().build(built.trainable_weights());
  EXPECT_EQ(output_of([&] { built.load_weights(dir / "layers-only.weights.h5"); }),
            "Skipping variable loading for optimizer 'sgd', because it has 6 variables whereas the saved optimizer "
            "has 0 variables. \n");
  EXPECT_TRUE(same_values(built.get_weights(), fixture_layers.get_weights()));
}


// A variable of the wrong shape or dtype is one error naming the file, the dataset and the
// problem; neither the model's weights nor the optimizer's state change.
TEST(KerasOptimizerWeights, AWrongShapeOrDtypeIsNamedAndChangesNothing) {
  Sequential model = fixture_mlp();
  model.compile(optimizers::Adam(0.01f), "mse");
  model.fit(Tensor::from_rows({{0.5f, -1.0f, 2.0f}}), Tensor::from_rows({{1.0f, 0.0f}}), {.epochs = 2, .verbose = 0});
  const auto weights = model.get_weights();
  const auto slots = slot_values(model.optimizer());
  const auto expect_refused = [&](const std::string& name, const std::string& problem) {
    SCOPED_TRACE(name);
    const fs::path file = kFixtures / name;
    const std::string message = test::error_of([&] { model.load_weights(file); });
    EXPECT_TRUE(test::contains(message, file.string() + ": " + problem)) << message;
    EXPECT_TRUE(same_values(model.get_weights(), weights));
    EXPECT_TRUE(same_values(slot_values(model.optimizer()), slots));
    EXPECT_EQ(model.optimizer().iterations(), 2);
    EXPECT_EQ(model.optimizer().learning_rate(), 0.01f);
  };
  // All momentums before all velocities: slot 1 (dataset 3) is a bias's momentum.
  expect_refused("adam-grouped-slots.weights.h5",
                 "optimizer/vars/3: shape (4,); Adam's velocity of dense/kernel has shape (3, 4)");
  expect_refused("adam-float-iteration.weights.h5",
                 "optimizer/vars/0: holds floats; the optimizer's iteration count is an integer (int64) scalar");
  expect_refused("adam-integer-slot.weights.h5",
                 "optimizer/vars/5: holds integers; Adam's velocity of dense/bias is a float32 variable");
}

// optimizer.build: every slot with Keras' initial value (Adagrad's accumulators at
// initial_accumulator_value), in Keras' order; afterwards only those variables may be updated.
TEST(KerasOptimizerWeights, BuildCreatesKerasSlotsAndKnowsItsVariables) {
  Sequential model = two_dense_layers(1);
  optimizers::Adagrad adagrad({.initial_accumulator_value = 0.25f});
  EXPECT_FALSE(adagrad.built());
  EXPECT_TRUE(adagrad.slots().empty());
  adagrad.build(model.trainable_weights());
  ASSERT_TRUE(adagrad.built());
  const auto slots = adagrad.slots();
  ASSERT_EQ(slots.size(), 4u);
  for (std::size_t k = 0; k < slots.size(); ++k) {
    EXPECT_EQ(slots[k].kind, "accumulator");
    EXPECT_TRUE(slots[k].value.shape() == model.trainable_weights()[k].shape());
    EXPECT_TRUE((slots[k].value.data() == 0.25f).all()) << k;
  }
  Tensor stranger = Tensor::zeros(Shape{2}).requires_grad_();
  stranger.sum().backward();
  EXPECT_TRUE(test::contains(test::error_of([&] { adagrad.apply_gradients({stranger}); }),
                             "Adagrad: Unknown variable: variable 0 of shape [2]. This optimizer can only be called "
                             "for the variables it was originally built with."));
  EXPECT_TRUE(test::contains(test::error_of([&] { adagrad.assign_state(-1, slot_values(adagrad)); }),
                             "the iteration count must not be negative"));
  EXPECT_EQ(adagrad.iterations(), 0);
}

// h5py, the library Keras 3 reads weight files with, sees Duet's optimizer group as Keras writes
// it (when Debian's python3-h5py is installed; skipped, saying so, otherwise).
TEST(KerasOptimizerWeights, H5pyReadsDuetsOptimizerGroup) {
  const test::TempDir dir("duet_keras_optimizer_h5py");
  Sequential model = fixture_mlp();
  model.compile(optimizers::Adam(), "mse");
  model.fit(Tensor::from_rows({{0.5f, -1.0f, 2.0f}}), Tensor::from_rows({{1.0f, 0.0f}}), {.epochs = 3, .verbose = 0});
  model.save_weights(dir / "adam.weights.h5");
  const fs::path script = fs::path(DUET_GOLDEN_DIR).parent_path() / "keras" / "h5py_reads_duet.py";
  const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + (dir / "adam.weights.h5").string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = pclose(pipe);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) GTEST_SKIP() << "skipped: " << out;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << out;
  EXPECT_EQ(out,
            "i8 () = 3\nf4 ()\nf4 (3, 4)\nf4 (3, 4)\nf4 (4,)\nf4 (4,)\nf4 (4, 2)\nf4 (4, 2)\nf4 (2,)\nf4 (2,)\n"
            "name=adam\n");
}
}  // namespace
}  // namespace duet::keras::optimizer_weights_test
