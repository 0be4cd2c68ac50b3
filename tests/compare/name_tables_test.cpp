// Activation and loss names live in one table per front-end; the comparator's parser, its PyTorch
// side and its reports read those tables, so they cannot drift apart.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "duet/compare/experiment.h"
#include "duet/compare/report.h"
#include "duet/compare/torch_losses.h"
#include "duet/keras/layers/dense.h"
#include "duet/keras/losses.h"
#include "support/test_helpers.h"

namespace duet::compare {
namespace {

using test::error_of;

const std::string kData = R"("data": {"x": [[0.5], [1.0]], "y": [[1.0], [0.0]]}, "epochs": 1)";

TEST(NameTables, EveryKerasActivationRunsOnBothSides) {
  for (const auto& name : keras::layers::activation_names()) {
    const std::string text = fmt::format(R"({{{}, "layers": [{{"units": 1, "activation": "{}"}}],
        "torch": {{"optimizer": {{"name": "sgd", "lr": 0.1}}}}}})", kData, name);
    EXPECT_EQ(error_of([&] { run(parse_experiment_text(text, ".")); }), "(no error)") << name;
  }
}

TEST(NameTables, EveryKerasLossIdentifierIsAcceptedByTheParserAndByCompile) {
  for (const auto& name : keras::losses::identifiers()) {
    EXPECT_EQ(error_of([&] { keras::losses::get(name); }), "(no error)") << name;
    const std::string text = fmt::format(R"({{{}, "layers": [{{"units": 1, "activation": "sigmoid"}}],
        "keras": {{"loss": "{}"}}, "torch": {{"optimizer": {{"name": "sgd", "lr": 0.1}}}}}})", kData, name);
    EXPECT_EQ(error_of([&] { parse_experiment_text(text, "."); }).find("unknown loss"), std::string::npos) << name;
  }
  EXPECT_EQ(error_of([] { keras::losses::get("squared_hinge"); }).rfind("Could not interpret loss identifier: 'squared_hinge'", 0), 0u);
}

TEST(NameTables, EveryPyTorchLossBuildsAndPrintsItsClass) {
  for (const auto& name : torch_loss_names()) {
    TorchConfig t;
    t.loss = name;
    EXPECT_NE(make_torch_loss(t), nullptr) << name;
    EXPECT_NE(torch_loss_class(name).find("Loss"), std::string::npos) << name;
  }
  EXPECT_EQ(torch_loss_class("cross_entropy"), "CrossEntropyLoss");
  EXPECT_NE(error_of([] { torch_loss_class("nll"); }).find("unknown loss 'nll'"), std::string::npos);
}

}  // namespace
}  // namespace duet::compare
