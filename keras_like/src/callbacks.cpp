#include "duet/keras/callbacks.h"

#include <cmath>

#include "duet/core/error.h"
#include "duet/keras/sequential.h"
#include "duet/keras/utils.h"

namespace duet::keras::callbacks {

Sequential& Callback::model() const {
  if (!model_) throw Error("callback: not attached to a model (pass it to fit's callbacks)");
  return *model_;
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  const auto& m = options_.mode;
  if (m != "auto" && m != "min" && m != "max") {
    throw Error("EarlyStopping: mode must be 'auto', 'min' or 'max', got '" + m + "'");
  }
  if (options_.patience < 0) throw Error("EarlyStopping: patience must not be negative");
  const bool accuracy_like = options_.monitor.find("acc") != std::string::npos ||
                             options_.monitor.find("auc") != std::string::npos;
  maximize_ = m == "max" || (m == "auto" && accuracy_like);
}

void EarlyStopping::on_train_begin(const Logs&) {
  wait_ = 0;
  stopped_epoch_ = 0;
  best_epoch_ = 0;
  best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  best_weights_.clear();
}

bool EarlyStopping::improved(double current) const {
  // keras: the monitored value must beat the best by more than min_delta.
  const double d = std::abs(options_.min_delta);
  return maximize_ ? current - d > best_ : current + d < best_;
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  auto it = logs.find(options_.monitor);
  if (it == logs.end()) {
    if (!warned_) {
      std::string available;
      for (const auto& [k, _] : logs) available += (available.empty() ? "" : ", ") + k;
      utils::logger()->warn("Early stopping conditioned on metric `{}` which is not available. Available metrics are: {}\n",
                            options_.monitor, available);
      warned_ = true;
    }
    return;
  }
  if (options_.restore_best_weights && best_weights_.empty()) best_weights_ = model().get_weights();
  ++wait_;
  if (improved(it->second)) {
    best_ = it->second;
    best_epoch_ = epoch;
    if (options_.restore_best_weights) best_weights_ = model().get_weights();
    wait_ = 0;
    return;
  }
  if (wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model().stop_training = true;
    if (options_.restore_best_weights && !best_weights_.empty()) {
      if (options_.verbose > 0) {
        utils::logger()->info("Restoring model weights from the end of the best epoch: {}.\n", best_epoch_ + 1);
      }
      model().set_weights(best_weights_);
    }
  }
}

void EarlyStopping::on_train_end(const Logs&) {
  if (stopped_epoch_ > 0 && options_.verbose > 0) utils::logger()->info("Epoch {}: early stopping\n", stopped_epoch_ + 1);
}

void TerminateOnNaN::on_train_batch_end(int batch, const Logs& logs) {
  auto it = logs.find("loss");
  if (it != logs.end() && !std::isfinite(it->second)) {
    utils::logger()->info("Batch {}: Invalid loss, terminating training\n", batch);
    model().stop_training = true;
  }
}

}  // namespace duet::keras::callbacks
