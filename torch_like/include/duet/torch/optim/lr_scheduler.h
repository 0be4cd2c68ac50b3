/// @file
/// torch.optim.lr_scheduler: StepLR and ExponentialLR, stepped once per epoch.
#pragma once

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

}  // namespace duet::torch::optim::lr_scheduler
