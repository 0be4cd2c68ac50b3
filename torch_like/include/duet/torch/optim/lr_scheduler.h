/// @file
/// torch.optim.lr_scheduler (torch/optim/lr_scheduler.py): StepLR, MultiStepLR, ExponentialLR,
/// LambdaLR, CosineAnnealingLR and ReduceLROnPlateau, stepped once per epoch in the usual loop
/// (Keras' schedules advance per optimiser step instead).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim::lr_scheduler {

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  /// Advances one epoch and sets each group's lr.
  void step();
  std::vector<float> get_last_lr() const;
  int last_epoch() const { return last_epoch_; }

 protected:
  /// The lr of a group at `epoch`, from its initial lr (closed form, as PyTorch's _get_closed_form_lr).
  virtual float lr_at(float base_lr, int epoch) const = 0;

 private:
  Optimizer& optimizer_;
  std::vector<float> base_lrs_;
  int last_epoch_ = 0;
};

/// lr = base_lr * gamma^(epoch // step_size)
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int step_size, float gamma = 0.1f);

 protected:
  float lr_at(float base_lr, int epoch) const override;

 private:
  int step_size_;
  float gamma_;
};

/// lr = base_lr * gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, float gamma);

 protected:
  float lr_at(float base_lr, int epoch) const override;

 private:
  float gamma_;
};

/// lr = base_lr * gamma^(number of milestones <= epoch); a milestone listed twice counts twice.
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<int> milestones, float gamma = 0.1f);

 protected:
  float lr_at(float base_lr, int epoch) const override;

 private:
  std::vector<int> milestones_;  // sorted
  float gamma_;
};

/// lr = base_lr * lr_lambda(epoch)
class LambdaLR : public LRScheduler {
 public:
  LambdaLR(Optimizer& optimizer, std::function<double(int epoch)> lr_lambda);

 protected:
  float lr_at(float base_lr, int epoch) const override;

 private:
  std::function<double(int)> lr_lambda_;
};

/// lr = eta_min + (base_lr - eta_min) (1 + cos(pi epoch / T_max)) / 2 (SGDR without restarts;
/// PyTorch computes it recursively, which is this closed form up to double rounding).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int T_max, float eta_min = 0.0f);

 protected:
  float lr_at(float base_lr, int epoch) const override;

 private:
  int t_max_;
  float eta_min_;
};

struct ReduceLROnPlateauOptions {
  std::string mode = "min";            ///< min | max
  float factor = 0.1f;                 ///< new lr = lr * factor; must be < 1
  int patience = 10;                   ///< reduce after MORE than `patience` bad epochs
  float threshold = 1e-4f;             ///< what counts as better
  std::string threshold_mode = "rel";  ///< rel: best * (1 -+ threshold); abs: best -+ threshold
  int cooldown = 0;
  float min_lr = 0.0f;
  float eps = 1e-8f;  ///< a reduction smaller than this is skipped
};

/// Reduces every group's lr by `factor` when the metric passed to step() has not improved for
/// more than `patience` epochs. Not a closed-form schedule: it reads the metric each epoch.
/// Keras' ReduceLROnPlateau differs: an absolute min_delta and `wait >= patience`.
class ReduceLROnPlateau {
 public:
  explicit ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options = {});
  /// One epoch's metric (usually the validation loss).
  void step(double metric);
  std::vector<float> get_last_lr() const;
  int num_bad_epochs() const { return num_bad_epochs_; }

 private:
  bool is_better(double current) const;

  Optimizer& optimizer_;
  ReduceLROnPlateauOptions options_;
  double best_;
  int num_bad_epochs_ = 0;
  int cooldown_counter_ = 0;
};

}  // namespace duet::torch::optim::lr_scheduler
