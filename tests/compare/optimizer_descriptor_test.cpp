// The optimiser descriptors: one description per optimiser drives the experiment parser, the
// settings text, --explain's alignment and the docs table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "duet/compare/experiment.h"
#include "duet/compare/optimizers.h"
#include "duet/core/option_fields.h"
#include "loss_options.h"
#include "support/test_helpers.h"

namespace duet::compare {
namespace {

using options::Value;
using test::error_of;

OptimizerConfig config(std::string name, options::Values given = {}) { return {std::move(name), std::move(given), std::nullopt}; }

// The text of docs/experiment-format.md between "<!-- NAME:begin -->" and "<!-- NAME:end -->".
std::string descriptor_docs_section(const std::string& name) {
  std::ifstream in(DUET_DOCS_DIR "/experiment-format.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- " + name + ":begin -->\n", end = "<!-- " + name + ":end -->";
  const auto from = doc.find(begin), to = doc.find(end);
  if (from == std::string::npos || to == std::string::npos) return "(no " + name + " markers)";
  return doc.substr(from + begin.size(), to - from - begin.size());
}

TEST(OptimizerDescriptors, DocsTableIsTheDescriptorsTable) {
  EXPECT_EQ(descriptor_docs_section("optimizers"), optimizer_table_markdown())
      << "docs/experiment-format.md is stale: paste `duet-compare --list-optimizers` between the markers";
}

// The loss options have one table per side too (compare/src/loss_options.cpp): the docs show it.
TEST(LossOptionDescriptors, DocsTableIsTheLossOptionsTable) {
  EXPECT_EQ(descriptor_docs_section("loss-options"), loss_options_table_markdown())
      << "docs/experiment-format.md is stale: put this table between the markers:\n"
      << loss_options_table_markdown();
}

// The parser reads each option into its side's config and refuses one on a loss that does not take it.
TEST(LossOptionDescriptors, ExperimentFilesReadTheTables) {
  const auto parsed = [](const std::string& keras_loss, const std::string& torch_loss) {
    return parse_experiment_text(R"({"data": {"x": [[1], [2]], "y": [[0], [1]]}, "layers": [{"units": 1}], "epochs": 1,
        "keras": {"loss": )" + keras_loss + R"(}, "torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": )" +
                                     torch_loss + "}}",
                                 ".");
  };
  const auto e = parsed(R"({"name": "binary_crossentropy", "label_smoothing": 0.25, "from_logits": true})",
                        R"({"name": "bce_with_logits", "pos_weight": [3], "weight": [0.5], "reduction": "sum"})");
  EXPECT_EQ(e.keras.label_smoothing, 0.25f);
  EXPECT_TRUE(e.keras.from_logits);
  EXPECT_EQ(e.torch.pos_weight, std::vector<float>{3.0f});
  EXPECT_EQ(e.torch.weight, std::vector<float>{0.5f});
  EXPECT_EQ(e.torch.reduction, "sum");
  EXPECT_NE(error_of([&] { parsed(R"({"name": "mse", "from_logits": true})", R"({"name": "mse"})"); })
                .find("keras.loss.from_logits: mse takes no from_logits (binary_crossentropy, categorical_crossentropy "
                      "and sparse_categorical_crossentropy do)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { parsed(R"("mse")", R"({"name": "bce", "pos_weight": [1]})"); })
                .find("torch.loss.pos_weight: bce takes no pos_weight (bce_with_logits does)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { parsed(R"("mse")", R"({"name": "mse", "reduction": "none"})"); })
                .find("torch.loss.reduction: must be \"mean\" or \"sum\", got \"none\""),
            std::string::npos);
  EXPECT_NE(error_of([&] { parsed(R"({"name": "categorical_crossentropy", "label_smoothing": 2})", R"({"name": "mse"})"); })
                .find("keras.loss.label_smoothing: must be in [0, 1], got 2"),
            std::string::npos);
}

// The report's loss row shows every option the loss reads that differs from its default, as the
// framework's user would pass it, and nothing a loss accepts but ignores.
TEST(LossOptionDescriptors, SettingsTextShowsTheOptionsEachLossReads) {
  KerasConfig keras;
  TorchConfig torch;
  EXPECT_EQ(keras_loss_arguments(keras), "");
  EXPECT_EQ(torch_loss_arguments(torch), "reduction='mean'");
  keras.loss = "binary_crossentropy";
  keras.from_logits = true;
  keras.label_smoothing = 0.25f;
  keras.huber_delta = 2;  // accepted beside any loss, read by huber only
  EXPECT_EQ(keras_loss_arguments(keras), "from_logits=True, label_smoothing=0.25");
  keras.loss = "huber";
  EXPECT_EQ(keras_loss_arguments(keras), "delta=2");
  torch.loss = "cross_entropy";
  torch.reduction = "sum";
  torch.weight = {1, 0.5f};
  torch.label_smoothing = 0.1f;
  torch.smooth_l1_beta = 3;
  EXPECT_EQ(torch_loss_arguments(torch), "reduction='sum', weight=[1, 0.5], label_smoothing=0.1");
  torch.loss = "smooth_l1";
  EXPECT_EQ(torch_loss_arguments(torch), "reduction='sum', beta=3");
}

TEST(OptimizerDescriptors, SettingsTextIsTheFrameworksConstructorCall) {
  EXPECT_EQ(keras_settings(config("sgd")).text, "SGD(learning_rate=0.01, momentum=0)");
  EXPECT_EQ(keras_settings(config("sgd", {{"nesterov", true}, {"momentum", 0.9f}})).text,
            "SGD(learning_rate=0.01, momentum=0.9, nesterov=True)");
  EXPECT_EQ(torch_settings(config("sgd", {{"lr", 0.01f}})).text, "SGD(lr=0.01, momentum=0, dampening=0, weight_decay=0)");
  EXPECT_EQ(torch_settings(config("adam")).text, "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)");
  // lr_decay is shown only when set, as rarely used options are.
  EXPECT_EQ(torch_settings(config("adagrad", {{"lr_decay", 0.5f}})).text,
            "Adagrad(lr=0.01, lr_decay=0.5, weight_decay=0, initial_accumulator_value=0, eps=1e-10)");
}

TEST(OptimizerDescriptors, SettingsCarryTheNeutralMeanings) {
  const auto k = keras_settings(config("rmsprop", {{"rho", 0.8f}}));
  EXPECT_FLOAT_EQ(k.rho, 0.8f);
  EXPECT_FLOAT_EQ(k.epsilon, 1e-7f);
  const auto t = torch_settings(config("rmsprop", {{"alpha", 0.7f}}));
  EXPECT_FLOAT_EQ(t.rho, 0.7f);  // PyTorch's alpha is Keras' rho
  const auto a = torch_settings(config("adam", {{"betas", std::pair{0.5f, 0.6f}}}));
  EXPECT_FLOAT_EQ(a.beta1, 0.5f);
  EXPECT_FLOAT_EQ(a.beta2, 0.6f);
}

TEST(OptimizerDescriptors, FrontEndChecksApplyWithTheirWording) {
  EXPECT_EQ(error_of([] { keras_settings(config("sgd", {{"momentum", 1.5f}})); }),
            "SGD: `momentum` must be a float between [0, 1]. Received: momentum=1.5");
  EXPECT_EQ(error_of([] { torch_settings(config("adam", {{"betas", std::pair{0.9f, 1.0f}}})); }),
            "Adam: Invalid beta parameter at index 1: 1");
  EXPECT_EQ(error_of([] { torch_settings(config("adam", {{"beta_1", 0.9f}})); }),
            "Adam: unknown option 'beta_1' (known: lr, betas, eps, weight_decay, amsgrad)");
  EXPECT_EQ(error_of([] { torch_settings(config("adam", {{"amsgrad", 1.0f}})); }), "option 'amsgrad' takes true or false");
  EXPECT_EQ(error_of([] { keras_settings(config("nadam")); }),
            "keras.optimizer.name: unknown optimizer 'nadam' (sgd, adam, adamw, rmsprop, adagrad)");
}

TEST(OptimizerDescriptors, AlignmentGivesPyTorchKerasValuesByMeaning) {
  auto keras = config("adam"), torch = config("adam", {{"lr", 0.1f}, {"weight_decay", 0.01f}});
  EXPECT_TRUE(align_torch_to_keras(keras, torch, AlignedOptions::constants));
  const auto t = torch_settings(torch);
  EXPECT_FLOAT_EQ(t.learning_rate, 0.1f);  // the constants leave the learning rate alone
  EXPECT_FLOAT_EQ(t.epsilon, 1e-7f);       // Keras' epsilon
  EXPECT_FLOAT_EQ(t.weight_decay, 0.0f);   // Keras' Adam has no coupled L2: off
  EXPECT_TRUE(align_torch_to_keras(keras, torch, AlignedOptions::learning_rate));
  EXPECT_FLOAT_EQ(torch_settings(torch).learning_rate, 0.001f);
  EXPECT_FALSE(align_torch_to_keras(keras, torch, AlignedOptions::learning_rate));  // nothing left to change

  auto krms = config("rmsprop", {{"rho", 0.5f}}), trms = config("rmsprop");
  EXPECT_TRUE(align_torch_to_keras(krms, trms, AlignedOptions::constants));
  EXPECT_FLOAT_EQ(torch_settings(trms).rho, 0.5f);  // written as PyTorch's alpha
  EXPECT_NE(options::find(trms.given, "alpha"), nullptr);
}

TEST(OptimizerDescriptors, ExperimentFilesUseTheDescriptors) {
  const std::string base = R"({"data": {"x": [[1], [2]], "y": [[1], [2]]}, "layers": [{"units": 1}], "epochs": 1, )";
  const auto e = parse_experiment_text(base + R"("torch": {"optimizer": {"name": "adamw", "lr": 0.5}}})", ".");
  EXPECT_FLOAT_EQ(torch_settings(e.torch.optimizer).decoupled_weight_decay, 0.01f);  // AdamW's own default
  EXPECT_FLOAT_EQ(torch_settings(e.torch.optimizer).weight_decay, 0.0f);             // nothing coupled
  EXPECT_NE(error_of([&] { parse_experiment_text(base + R"("torch": {"optimizer": {"name": "sgd"}}})", "."); })
                .find("torch.optimizer.lr: is required (SGD has no default)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { parse_experiment_text(base + R"("torch": {"optimizer": {"name": "adam", "betas": [0.9]}}})", "."); })
                .find("torch.optimizer.betas: must be a list of two numbers"),
            std::string::npos);
}

TEST(KerasOptimizers, TakeAPositionalLearningRateAsKeras) {
  // keras.optimizers.Adam(0.05): the first positional argument is the learning rate.
  const keras::optimizers::Adam adam(0.05f);
  EXPECT_FLOAT_EQ(adam.learning_rate(), 0.05f);
  EXPECT_FLOAT_EQ(adam.options().beta_2, 0.999f);
  EXPECT_FLOAT_EQ(keras::optimizers::SGD(0.2f).learning_rate(), 0.2f);
}

TEST(OptionFields, PythonReprAsTheFrameworksPrint) {
  EXPECT_EQ(options::python_repr(Value(1e-7f)), "1e-07");
  EXPECT_EQ(options::python_repr(Value(true)), "True");
  EXPECT_EQ(options::python_repr(Value(std::pair{0.9f, 0.999f})), "(0.9, 0.999)");
}

}  // namespace
}  // namespace duet::compare
