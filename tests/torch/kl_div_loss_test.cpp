// torch_like: nn::KLDivLoss and F::kl_div against real PyTorch 1.13 (tests/golden/torch_kl_div.json,
// written by tools/golden/torch_kl_div.py): every reduction with probability and log-probability
// targets, a target broadcast over the batch, batchmean of a 0-dimensional input, the input's
// gradient, and the warning PyTorch gives for reduction 'mean' (and only for it).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "duet/core/error.h"
#include "duet/torch.h"
#include "support/golden_json.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

namespace F = nn::functional;
using nlohmann::json;
using test::error_of;

nn::KLDivLossOptions::reduction_t reduction_of(const std::string& name) {
  if (name == "none") return kNone;
  if (name == "sum") return kSum;
  if (name == "mean") return kMean;
  return kBatchMean;
}

// Collects warnings while alive, then restores the handler it replaced.
class CaptureWarnings {
 public:
  CaptureWarnings() : previous_(set_warning_handler([this](const std::string& m) { messages.push_back(m); })) {}
  ~CaptureWarnings() { set_warning_handler(previous_); }
  CaptureWarnings(const CaptureWarnings&) = delete;
  CaptureWarnings& operator=(const CaptureWarnings&) = delete;
  std::vector<std::string> messages;

 private:
  WarningHandler previous_;
};

void expect_near_all(const Tensor& got, const json& want, const std::string& what) {
  const Tensor w = test::json_tensor(want);
  ASSERT_EQ(got.numel(), w.numel()) << what;
  for (Eigen::Index i = 0; i < w.data().size(); ++i) {
    EXPECT_NEAR(got.data()[i], w.data()[i], 1e-6 * std::max(1.0f, std::abs(w.data()[i]))) << what << " element " << i;
  }
}

TEST(KLDivLoss, EveryReductionAndTargetFormMatchesRealPyTorch) {
  const json golden = test::read_json(DUET_GOLDEN_DIR "/torch_kl_div.json");
  for (const json& c : golden["cases"]) {
    const std::string what = c["reduction"].get<std::string>() + (c["log_target"].get<bool>() ? " log_target" : "") +
                              " target " + c["target"].dump();
    const Tensor input = test::json_tensor(golden["input"]).set_requires_grad(true);
    const Tensor target = test::json_tensor(c["target"]);
    const nn::KLDivLossOptions options =
        nn::KLDivLossOptions().reduction(reduction_of(c["reduction"].get<std::string>())).log_target(c["log_target"].get<bool>());
    CaptureWarnings warnings;
    nn::KLDivLoss loss(options);
    const Tensor value = loss(input, target);
    EXPECT_EQ(warnings.messages, c["warnings"].get<std::vector<std::string>>()) << what;
    expect_near_all(value, c["value"], what + " value");
    value.sum().backward();
    expect_near_all(input.grad(), c["input_grad"], what + " d/d input");
    // The functional form is the same computation.
    expect_near_all(F::kl_div(input.detach(), target, options), c["value"], what + " F::kl_div");
  }
}

TEST(KLDivLoss, DefaultsAreMeanWithProbabilityTargetsAndWarn) {
  const nn::KLDivLossOptions defaults;
  EXPECT_STREQ(nn::kl_div_reduction_name(defaults.reduction()), "mean");
  EXPECT_FALSE(defaults.log_target());
  CaptureWarnings warnings;
  const Tensor x = Tensor::from_rows({{-1.0f, -2.0f}});
  const Tensor p = Tensor::from_rows({{0.5f, 0.5f}});
  nn::KLDivLoss by_default;
  nn::KLDivLoss summed(kSum);
  by_default(x, p);
  summed(x, p);
  ASSERT_EQ(warnings.messages.size(), 1u);  // every 'mean' call warns (TORCH_WARN); 'sum' does not
  EXPECT_NE(warnings.messages[0].find("'batchmean' divides only by the batch size"), std::string::npos);
}

TEST(KLDivLoss, BatchmeanOfAZeroDimensionalInputIsTheSum) {
  const json s = test::read_json(DUET_GOLDEN_DIR "/torch_kl_div.json")["scalar_batchmean"];
  const Tensor v = F::kl_div(Tensor::scalar(s["input"].get<float>()), Tensor::scalar(s["target"].get<float>()),
                             F::KLDivFuncOptions().reduction(kBatchMean));
  EXPECT_NEAR(v.item(), s["value"].get<double>(), 1e-6);
}

TEST(KLDivLoss, TargetGradientIsNaNAtAZeroProbabilityAsInPyTorch) {
  // d/dq (q log q - q x) = log q + 1 - x; PyTorch's xlogy gives NaN at q = 0 (0 / 0).
  const Tensor x = Tensor::from_rows({{-1.0f, -2.0f}});
  const Tensor q = Tensor::from_rows({{0.0f, 0.25f}}).set_requires_grad(true);
  F::kl_div(x, q, F::KLDivFuncOptions().reduction(kSum)).backward();
  EXPECT_TRUE(std::isnan(q.grad().data()[0]));
  EXPECT_NEAR(q.grad().data()[1], std::log(0.25) + 1 + 2, 1e-6);
}

TEST(KLDivLoss, BadInputGivesOneClearError) {
  const Tensor x = Tensor::from_rows({{-1.0f, -2.0f}, {-0.5f, -1.0f}});
  EXPECT_NE(error_of([&] { F::kl_div(x, Tensor::ones({3, 2}), F::KLDivFuncOptions().reduction(kSum)); }).find("kl_div"),
            std::string::npos);
  EXPECT_NE(error_of([&] { F::kl_div(x, torch::tensor({{0, 1}, {1, 0}}), F::KLDivFuncOptions().reduction(kSum)); })
                .find("float32"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::torch
