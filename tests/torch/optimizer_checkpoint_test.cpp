// torch::save / torch::load of optimisers (the dcgan example's checkpoints): a run resumed from
// a checkpoint continues exactly as the uninterrupted run, and a state_dict that does not fit is
// one error that changes nothing.
#include <gtest/gtest.h>

#include <string>

#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using test::error_of;

const auto kX = tensor({{-1.0}, {0.0}, {1.0}, {2.0}});
const auto kY = tensor({{-3.0}, {-1.0}, {1.0}, {3.0}});

template <typename Opt>
void train(nn::Linear& model, Opt& optimizer, int steps) {
  for (int i = 0; i < steps; ++i) {
    auto loss = nn::MSELoss()(model(kX), kY);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
}

// Trains 3 steps, checkpoints model and optimiser, trains 2 more; a fresh model and optimiser
// loaded from the checkpoint must reach the same weights bit for bit.
template <typename Opt, typename Options>
void resumes_exactly(Options options, const std::string& tag) {
  const test::TempDir dir("duet_optim_ckpt_" + tag);
  manual_seed(0);
  nn::Linear model(1, 1);
  Opt optimizer(model->parameters(), options);
  train(model, optimizer, 3);
  save(model, dir / "model.pt");
  save(optimizer, dir / "optimizer.pt");
  train(model, optimizer, 2);

  nn::Linear resumed(1, 1);
  Opt resumed_optimizer(resumed->parameters(), options);
  load(resumed, dir / "model.pt");
  load(resumed_optimizer, dir / "optimizer.pt");
  train(resumed, resumed_optimizer, 2);
  EXPECT_TRUE(equal(resumed->weight, model->weight)) << tag;
  EXPECT_TRUE(equal(resumed->bias, model->bias)) << tag;
}

TEST(OptimizerCheckpoint, ResumedRunsContinueExactly) {
  resumes_exactly<optim::SGD>(optim::SGDOptions(0.05).momentum(0.9), "sgd");
  resumes_exactly<optim::Adam>(optim::AdamOptions(0.1).betas({0.5, 0.5}).amsgrad(true), "adam");
  resumes_exactly<optim::RMSprop>(optim::RMSpropOptions(0.01).momentum(0.5).centered(true), "rmsprop");
  resumes_exactly<optim::Adagrad>(optim::AdagradOptions(0.1).lr_decay(0.01), "adagrad");
}

TEST(OptimizerCheckpoint, StateDictUsesPyTorchsNamesAndKeepsTheLr) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(0.1));
  train(model, optimizer, 1);
  optimizer.set_lr(0, 0.05f);  // as a scheduler would
  std::vector<std::string> names;
  for (const auto& entry : optimizer.state_dict()) names.push_back(entry.first);
  EXPECT_EQ(names, (std::vector<std::string>{"state.0.exp_avg", "state.0.exp_avg_sq", "state.0.step", "state.1.exp_avg",
                                             "state.1.exp_avg_sq", "state.1.step", "param_groups.0.lr"}));
  optim::Adam other(nn::Linear(1, 1)->parameters(), optim::AdamOptions(0.1));
  other.load_state_dict(optimizer.state_dict());
  EXPECT_FLOAT_EQ(other.lr(0), 0.05f);
}

TEST(OptimizerCheckpoint, AStateThatDoesNotFitIsOneErrorAndChangesNothing) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::Adam adam(model->parameters(), optim::AdamOptions(0.1));
  train(model, adam, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1).momentum(0.9));
  EXPECT_EQ(error_of([&] { sgd.load_state_dict(adam.state_dict()); }),
            "SGD: cannot load this state_dict: the entry 'state.0.exp_avg' is not a SGD state of these 2 parameters");
  nn::Linear wider(2, 1);
  optim::Adam wide(wider->parameters(), optim::AdamOptions(0.1));
  EXPECT_EQ(error_of([&] { wide.load_state_dict(adam.state_dict()); }),
            "Adam: cannot load this state_dict: the entry 'state.0.exp_avg' has 1 values but parameter 0 has 2");
  EXPECT_FLOAT_EQ(wide.lr(0), 0.1f);
  EXPECT_EQ(wide.state_dict().size(), 1u) << "nothing was loaded: only the lr entry";
  EXPECT_NE(error_of([&] { wide.load_state_dict({}); }).find("'param_groups.0.lr' is missing"), std::string::npos);
}

}  // namespace
}  // namespace duet::torch
