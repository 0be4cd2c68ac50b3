#include "duet/torch/optim/lr_scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

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

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<int> milestones, float gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  std::sort(milestones_.begin(), milestones_.end());  // PyTorch keeps a Counter; order does not matter
}

float MultiStepLR::lr_at(float base_lr, int epoch) const {
  const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), epoch) - milestones_.begin();
  return static_cast<float>(static_cast<double>(base_lr) * std::pow(static_cast<double>(gamma_), static_cast<double>(passed)));
}

LambdaLR::LambdaLR(Optimizer& optimizer, std::function<double(int)> lr_lambda)
    : LRScheduler(optimizer), lr_lambda_(std::move(lr_lambda)) {
  if (!lr_lambda_) throw Error("LambdaLR: lr_lambda is empty");
}

float LambdaLR::lr_at(float base_lr, int epoch) const {
  return static_cast<float>(static_cast<double>(base_lr) * lr_lambda_(epoch));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int T_max, float eta_min)
    : LRScheduler(optimizer), t_max_(T_max), eta_min_(eta_min) {
  if (T_max <= 0) throw Error(fmt::format("CosineAnnealingLR: T_max must be positive, got {}", T_max));
}

float CosineAnnealingLR::lr_at(float base_lr, int epoch) const {
  const double cosine = std::cos(std::numbers::pi * epoch / t_max_);
  return static_cast<float>(eta_min_ + (static_cast<double>(base_lr) - eta_min_) * (1.0 + cosine) / 2.0);
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options)
    : optimizer_(optimizer), options_(std::move(options)) {
  // torch/optim/lr_scheduler.py's messages.
  if (options_.factor >= 1.0f) throw Error("ReduceLROnPlateau: Factor should be < 1.0.");
  if (options_.mode != "min" && options_.mode != "max") {
    throw Error("ReduceLROnPlateau: mode " + options_.mode + " is unknown!");
  }
  if (options_.threshold_mode != "rel" && options_.threshold_mode != "abs") {
    throw Error("ReduceLROnPlateau: threshold mode " + options_.threshold_mode + " is unknown!");
  }
  best_ = options_.mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

bool ReduceLROnPlateau::is_better(double a) const {
  const double t = options_.threshold;
  const bool rel = options_.threshold_mode == "rel";
  if (options_.mode == "min") return rel ? a < best_ * (1.0 - t) : a < best_ - t;
  return rel ? a > best_ * (t + 1.0) : a > best_ + t;
}

void ReduceLROnPlateau::step(double metric) {
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs are ignored in cooldown
  }
  if (num_bad_epochs_ > options_.patience) {
    for (std::size_t g = 0; g < optimizer_.group_count(); ++g) {
      const float old_lr = optimizer_.lr(g);
      const float new_lr = std::max(old_lr * options_.factor, options_.min_lr);
      if (old_lr - new_lr > options_.eps) optimizer_.set_lr(g, new_lr);
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
}

std::vector<float> ReduceLROnPlateau::get_last_lr() const {
  std::vector<float> out;
  for (std::size_t g = 0; g < optimizer_.group_count(); ++g) out.push_back(optimizer_.lr(g));
  return out;
}

}  // namespace duet::torch::optim::lr_scheduler
