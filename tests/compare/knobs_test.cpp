// The comparator's training knobs: Keras schedules, PyTorch schedulers, clipping and weight decay
// in experiment files, and one error naming the key path and value for each kind of bad input
// (issue 17's "Bad input").
#include <gtest/gtest.h>

#include "duet/compare/experiment.h"
#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "support/test_helpers.h"

namespace duet::compare {
namespace {

using test::error_of;

const std::string kBase = R"({"data": {"x": [[1], [2], [3], [4]], "y": [[1], [3], [5], [7]]},
  "layers": [{"units": 1}], "initial_weights": [{"kernel": [[0.5]], "bias": [0.0]}], "epochs": 3, "batch_size": 2,
  "shuffle": false, )";

Experiment parse(const std::string& sides) { return parse_experiment_text(kBase + sides + "}", "."); }

std::string error_for(const std::string& sides) {
  return error_of([&] { parse(sides); });
}

const std::string kTorch = R"("torch": {"optimizer": {"name": "sgd", "lr": 0.01}})";

TEST(Knobs, KerasScheduleAndPyTorchSchedulerParse) {
  const auto e = parse(R"("keras": {"optimizer": {"name": "sgd", "learning_rate": {"schedule": "piecewise_constant_decay",
      "boundaries": [2], "values": [0.1, 0.01]}}},
    "torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "scheduler": {"name": "multistep_lr", "milestones": [1, 2]},
              "clip_grad_norm": 1.0})");
  ASSERT_TRUE(e.keras.optimizer.schedule);
  EXPECT_EQ(e.keras.optimizer.schedule->values, (std::vector<float>{0.1f, 0.01f}));
  ASSERT_TRUE(e.torch.scheduler);
  EXPECT_EQ(e.torch.scheduler->milestones, (std::vector<int>{1, 2}));
  EXPECT_FLOAT_EQ(*e.torch.clip_grad_norm, 1.0f);
  const auto k = keras_settings(e.keras.optimizer);
  EXPECT_FLOAT_EQ(k.learning_rate, 0.1f);  // the schedule's rate at step 0
  EXPECT_EQ(k.text, "SGD(learning_rate=PiecewiseConstantDecay(boundaries=[2], values=[0.1, 0.01]), momentum=0)");
}

TEST(Knobs, ScheduleErrorsNameTheKeyPathAndValue) {
  EXPECT_NE(error_for(R"("keras": {"optimizer": {"name": "sgd", "learning_rate": {"schedule": "piecewise_constant_decay",
      "boundaries": [5, 5], "values": [1, 2, 3]}}}, )" + kTorch)
                .find("keras.optimizer.learning_rate.boundaries[1]: 5 does not come after 5: boundaries must increase "
                      "strictly, got [5, 5]"),
            std::string::npos);
  EXPECT_NE(error_for(R"("keras": {"optimizer": {"name": "sgd", "learning_rate": {"schedule": "piecewise_constant_decay",
      "boundaries": [2, 5], "values": [1, 2]}}}, )" + kTorch)
                .find("keras.optimizer.learning_rate.values: has 2 rates for 2 boundaries; it needs 3"),
            std::string::npos);
  EXPECT_NE(error_for(R"("keras": {"optimizer": {"name": "sgd", "learning_rate": {"schedule": "exponential_decay",
      "initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.9}}}, )" + kTorch)
                .find("keras.optimizer.learning_rate.decay_steps: must be a positive integer, got 0"),
            std::string::npos);
  EXPECT_NE(error_for(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1},
      "scheduler": {"name": "multistep_lr", "milestones": [3, 1]}})")
                .find("torch.scheduler.milestones[1]: 1 does not come after 3"),
            std::string::npos);
}

TEST(Knobs, ASchedulerUnderTheOtherSideSaysWhereItGoes) {
  EXPECT_NE(error_for(R"("keras": {"scheduler": {"name": "step_lr", "step_size": 2}}, )" + kTorch)
                .find("keras.scheduler: PyTorch's epoch schedulers go in torch.scheduler"),
            std::string::npos);
  EXPECT_NE(error_for(R"("keras": {"optimizer": {"name": "sgd", "learning_rate": {"name": "exponential_lr", "gamma": 0.9}}}, )" +
                      kTorch)
                .find("keras.optimizer.learning_rate: a Keras schedule names its kind under \"schedule\""),
            std::string::npos);
  EXPECT_NE(error_for(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1},
      "scheduler": {"schedule": "exponential_decay"}})")
                .find("torch.scheduler.schedule: is how a Keras schedule is written"),
            std::string::npos);
  EXPECT_NE(error_for(R"("torch": {"optimizer": {"name": "sgd", "lr": {"schedule": "exponential_decay"}}})")
                .find("torch.optimizer.lr: a learning rate that changes is a scheduler on the PyTorch side"),
            std::string::npos);
}

TEST(Knobs, ClippingErrors) {
  EXPECT_NE(error_for(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "clip_grad_norm": -1})")
                .find("torch.clip_grad_norm: must not be negative, got -1"),
            std::string::npos);
  EXPECT_NE(error_for(R"("keras": {"optimizer": {"name": "sgd", "clipnorm": -0.5}}, )" + kTorch)
                .find("keras.optimizer.clipnorm: must not be negative, got -0.5"),
            std::string::npos);
  EXPECT_NE(error_for(R"("keras": {"optimizer": {"name": "sgd", "clipnorm": 1, "clipvalue": 1}}, )" + kTorch)
                .find("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set"),
            std::string::npos);
  EXPECT_NE(error_for(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1, "clipnorm": 1}})")
                .find("torch.optimizer.clipnorm: is a Keras optimiser option; PyTorch clips between backward and step"),
            std::string::npos);
  EXPECT_NE(error_for(R"("keras": {"clip_grad_norm": 1}, )" + kTorch).find("keras.clip_grad_norm: is PyTorch's"),
            std::string::npos);
}

TEST(Knobs, PyTorchClipsAndSchedulesInTheLoop) {
  // With gamma 0 the scheduler zeroes the lr after the first epoch: the weights stop moving, so
  // epochs 2 and 3 report the same loss. With clip_grad_value 0 nothing ever moves.
  const auto frozen = run(parse(R"("keras": {"optimizer": {"name": "sgd"}}, "torch": {"optimizer": {"name": "sgd",
      "lr": 0.01}, "scheduler": {"name": "step_lr", "step_size": 1, "gamma": 0}})"));
  EXPECT_NE(frozen.torch.loss_history[0], frozen.torch.loss_history[1]);
  EXPECT_EQ(frozen.torch.loss_history[1], frozen.torch.loss_history[2]);
  const auto clipped = run(parse(R"("keras": {"optimizer": {"name": "sgd"}}, "torch": {"optimizer": {"name": "sgd",
      "lr": 0.01}, "clip_grad_value": 0})"));
  EXPECT_FLOAT_EQ(clipped.torch.weights[0][0].second.data()[0], 0.5f);  // dense kernel
}

const std::string kClasses = R"({"data": {"x": [[1, 0], [0, 1], [1, 1]], "y": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]},
  "layers": [{"units": 3, "activation": "softmax"}], "epochs": 2, "batch_size": 3, "shuffle": false, )";

std::string class_error(const std::string& sides) {
  return error_of([&] { parse_experiment_text(kClasses + sides + "}", "."); });
}

TEST(Knobs, LossKeysParse) {
  const auto e = parse_experiment_text(kClasses + R"("keras": {"loss": {"name": "categorical_crossentropy",
      "label_smoothing": 0.1}, "class_weight": {"0": 1.0, "2": 3.0}},
    "torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "cross_entropy", "label_smoothing": 0.1,
      "weight": [1, 1, 3]}}})", ".");
  EXPECT_FLOAT_EQ(e.keras.label_smoothing, 0.1f);
  EXPECT_EQ(e.keras.class_weight.at(2), 3.0f);
  EXPECT_EQ(e.torch.weight, (std::vector<float>{1, 1, 3}));
  const auto r = run(e);  // both sides train with them
  EXPECT_EQ(r.keras.loss_history.size(), 2u);
  EXPECT_EQ(r.torch.loss_history.size(), 2u);
}

TEST(Knobs, LossErrorsNameTheKeyPathAndValue) {
  const std::string torch = R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "cross_entropy"}})";
  EXPECT_NE(class_error(R"("keras": {"class_weight": {"5": 1.0}}, )" + torch)
                .find("keras.class_weight.5: class 5 does not exist: the model has 3 classes (0..2)"),
            std::string::npos);
  EXPECT_NE(class_error(R"("keras": {"class_weight": {"one": 1.0}}, )" + torch)
                .find("keras.class_weight.one: \"one\" is not a class index"),
            std::string::npos);
  EXPECT_NE(class_error(R"("keras": {"class_weight": {"1": -2}}, )" + torch)
                .find("keras.class_weight.1: must not be negative, got -2"),
            std::string::npos);
  EXPECT_NE(class_error(R"("keras": {"loss": {"name": "categorical_crossentropy", "label_smoothing": 1.5}}, )" + torch)
                .find("keras.loss.label_smoothing: must be in [0, 1], got 1.5"),
            std::string::npos);
  EXPECT_NE(class_error(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "cross_entropy",
      "label_smoothing": -0.1}})")
                .find("torch.loss.label_smoothing: must be in [0, 1], got -0.1"),
            std::string::npos);
  EXPECT_NE(class_error(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "cross_entropy",
      "weight": [1, 2]}})")
                .find("torch.loss.weight: has 2 values for 3 classes"),
            std::string::npos);
  EXPECT_NE(class_error(R"("keras": {"loss": {"name": "categorical_crossentropy", "from_logits": true}}, )" + torch)
                .find("keras.loss.from_logits: the last layer's activation is softmax"),
            std::string::npos);
  EXPECT_NE(class_error(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "cross_entropy",
      "pos_weight": [1, 2, 3]}})")
                .find("torch.loss.pos_weight: cross_entropy takes no pos_weight"),
            std::string::npos);
}

// Which loss takes which option comes from each side's loss table; the error names the losses that do.
TEST(Knobs, ALossOptionOnAnotherLossNamesTheLossesThatTakeIt) {
  const std::string torch = R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "cross_entropy"}})";
  EXPECT_NE(class_error(R"("keras": {"loss": {"name": "sparse_categorical_crossentropy", "label_smoothing": 0.1}}, )" +
                        torch)
                .find("keras.loss.label_smoothing: sparse_categorical_crossentropy takes no label_smoothing "
                      "(binary_crossentropy and categorical_crossentropy do)"),
            std::string::npos);
  EXPECT_NE(class_error(R"("keras": {"loss": {"name": "mse", "from_logits": true}}, )" + torch)
                .find("keras.loss.from_logits: mse takes no from_logits (binary_crossentropy, "
                      "categorical_crossentropy and sparse_categorical_crossentropy do)"),
            std::string::npos);
  EXPECT_NE(class_error(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "mse",
      "weight": [1, 2, 3]}})")
                .find("torch.loss.weight: mse takes no weight (bce, bce_with_logits and cross_entropy do)"),
            std::string::npos);
  EXPECT_NE(class_error(R"("torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "bce",
      "label_smoothing": 0.1}})")
                .find("torch.loss.label_smoothing: bce takes no label_smoothing (cross_entropy does)"),
            std::string::npos);
}

}  // namespace
}  // namespace duet::compare
