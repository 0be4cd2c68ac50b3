/// @file
/// Callbacks that change the learning rate between epochs: keras.callbacks.LearningRateScheduler
/// and ReduceLROnPlateau (keras/src/callbacks/). Unlike a schedule given to the optimiser, which
/// Keras evaluates at every step, these act once per epoch.
#pragma once

#include <functional>
#include <string>

#include "duet/keras/callbacks.h"

namespace duet::keras::callbacks {

/// At the start of every epoch sets the optimiser's learning rate to schedule(epoch, lr), with
/// epoch counted from 0 and lr the current rate (learning_rate_scheduler.py).
class LearningRateScheduler : public Callback {
 public:
  using Schedule = std::function<float(int epoch, float learning_rate)>;
  explicit LearningRateScheduler(Schedule schedule, int verbose = 0);
  void on_epoch_begin(int epoch, const Logs& logs) override;

 private:
  Schedule schedule_;
  int verbose_;
};

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  float factor = 0.1f;  ///< new lr = lr * factor; must be < 1
  int patience = 10;    ///< epochs without improvement before a reduction (wait >= patience)
  int verbose = 0;
  std::string mode = "auto";  ///< auto | min | max (auto: max when the name contains "acc")
  float min_delta = 1e-4f;    ///< absolute: an improvement must beat best - min_delta
  int cooldown = 0;           ///< epochs after a reduction during which waiting is suspended
  float min_lr = 0.0f;
};

/// Multiplies the learning rate by `factor` when `monitor` has not improved by more than
/// min_delta (absolute) for `patience` epochs (keras/src/callbacks/reduce_lr_on_plateau.py).
/// PyTorch's ReduceLROnPlateau differs: a relative threshold and more than `patience` bad epochs.
class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  void on_train_begin(const Logs& logs) override;
  void on_epoch_end(int epoch, const Logs& logs) override;

 private:
  bool improved(double current) const;

  ReduceLROnPlateauOptions options_;
  bool maximize_ = false;
  int wait_ = 0;
  int cooldown_counter_ = 0;
  double best_ = 0;
  bool warned_ = false;
};

}  // namespace duet::keras::callbacks
