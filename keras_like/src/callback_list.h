// Internal: fit's callbacks as one list (keras/src/callbacks/callback_list.py): each event goes to
// every callback in order; logs are built only when there is a callback to read them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duet/keras/callbacks.h"

namespace duet::keras::detail {

class CallbackList {
 public:
  // Attaches each callback to `model`; throws naming a null one.
  CallbackList(const std::vector<callbacks::CallbackRef>& refs, Sequential& model);
  bool empty() const { return callbacks_.empty(); }

  void on_train_begin();
  void on_train_end();
  void on_epoch_begin(int epoch);
  // `names` and `values` pair up in log order.
  void on_epoch_end(int epoch, const std::vector<std::string>& names, const std::vector<double>& values);
  void on_train_batch_end(int batch, const std::vector<std::string>& names, const std::vector<double>& values);

 private:
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks_;
};

}  // namespace duet::keras::detail
