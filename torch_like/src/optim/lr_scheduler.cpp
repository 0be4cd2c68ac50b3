#include "duet/torch/optim/lr_scheduler.h"

#include <fmt/format.h>

#include <cmath>

namespace duet::torch::optim::lr_scheduler {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  for (std::size_t g = 0; g < optimizer.group_count(); ++g) base_lrs_.push_back(optimizer.lr(g));
}

void LRScheduler::step() {
  ++last_epoch_;
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) optimizer_.set_lr(g, lr_at(base_lrs_[g], last_epoch_));
}

std::vector<float> LRScheduler::get_last_lr() const {
  std::vector<float> out;
  for (std::size_t g = 0; g < base_lrs_.size(); ++g) out.push_back(optimizer_.lr(g));
  return out;
}

StepLR::StepLR(Optimizer& optimizer, int step_size, float gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) throw Error(fmt::format("StepLR: step_size must be positive, got {}", step_size));
}

float StepLR::lr_at(float base_lr, int epoch) const {
  return base_lr * std::pow(gamma_, static_cast<float>(epoch / step_size_));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, float gamma) : LRScheduler(optimizer), gamma_(gamma) {}

float ExponentialLR::lr_at(float base_lr, int epoch) const {
  return base_lr * std::pow(gamma_, static_cast<float>(epoch));
}

}  // namespace duet::torch::optim::lr_scheduler
