/// @file
/// keras.callbacks: hooks into fit(). A callback may stop training by setting
/// model().stop_training, as in Keras.
#pragma once

#include "duet/keras/shared_ref.h"

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <type_traits>
#include <string>
#include <vector>

#include "duet/core/tensor.h"

namespace duet::keras {

class Sequential;
using Logs = std::map<std::string, double>;

namespace callbacks {

class Callback {
 public:
  virtual ~Callback() = default;
  void set_model(Sequential* model) { model_ = model; }
  Sequential& model() const;

  virtual void on_train_begin(const Logs&) {}
  virtual void on_train_end(const Logs&) {}
  virtual void on_epoch_begin(int /*epoch*/, const Logs&) {}
  virtual void on_epoch_end(int /*epoch*/, const Logs&) {}
  virtual void on_train_batch_end(int /*batch*/, const Logs&) {}

 private:
  Sequential* model_ = nullptr;
};

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  float min_delta = 0.0f;
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";  ///< auto | min | max (auto: max for accuracy-like names)
  bool restore_best_weights = false;
};

/// Stops when `monitor` has not improved by more than min_delta for `patience` epochs
/// (keras/src/callbacks/early_stopping.py).
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end(const Logs&) override;
  int stopped_epoch() const { return stopped_epoch_; }
  int best_epoch() const { return best_epoch_; }

 private:
  bool improved(double current) const;

  EarlyStoppingOptions options_;
  bool maximize_ = false;
  int wait_ = 0;
  int stopped_epoch_ = 0;
  int best_epoch_ = 0;
  double best_ = 0;
  std::vector<Tensor> best_weights_;
  bool warned_ = false;
};

/// Stops training at the first batch whose loss is NaN or infinite.
class TerminateOnNaN : public Callback {
 public:
  void on_train_batch_end(int batch, const Logs& logs) override;
};

/// Callbacks from plain functions (keras.callbacks.LambdaCallback).
class LambdaCallback : public Callback {
 public:
  std::function<void(int, const Logs&)> on_epoch_begin_fn, on_epoch_end_fn;
  std::function<void(int, const Logs&)> on_batch_end_fn;
  std::function<void(const Logs&)> on_train_begin_fn, on_train_end_fn;

  void on_train_begin(const Logs& l) override { if (on_train_begin_fn) on_train_begin_fn(l); }
  void on_train_end(const Logs& l) override { if (on_train_end_fn) on_train_end_fn(l); }
  void on_epoch_begin(int e, const Logs& l) override { if (on_epoch_begin_fn) on_epoch_begin_fn(e, l); }
  void on_epoch_end(int e, const Logs& l) override { if (on_epoch_end_fn) on_epoch_end_fn(e, l); }
  void on_train_batch_end(int b, const Logs& l) override { if (on_batch_end_fn) on_batch_end_fn(b, l); }
};

/// Holds a callback for fit's `callbacks`, by value or by shared pointer, so both
/// `{.callbacks = {callbacks::EarlyStopping({.patience = 2})}}` and a shared_ptr work. A callback
/// given by value is copied into fit: keep a shared_ptr to read its state (stopped_epoch()) after.
using CallbackRef = SharedRef<Callback>;

}  // namespace callbacks
}  // namespace duet::keras
