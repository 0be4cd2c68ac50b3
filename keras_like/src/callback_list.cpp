#include "callback_list.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::keras::detail {

namespace {
Logs make_logs(const std::vector<std::string>& names, const std::vector<double>& values) {
  Logs logs;
  for (std::size_t i = 0; i < names.size(); ++i) logs[names[i]] = values[i];
  return logs;
}
}  // namespace

CallbackList::CallbackList(const std::vector<callbacks::CallbackRef>& refs, Sequential& model) {
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!refs[i].get()) throw Error(fmt::format("fit: callbacks[{}] is null", i));
    refs[i].get()->set_model(&model);
    callbacks_.push_back(refs[i].get());
  }
}

void CallbackList::on_train_begin() {
  for (auto& cb : callbacks_) cb->on_train_begin({});
}

void CallbackList::on_train_end() {
  for (auto& cb : callbacks_) cb->on_train_end({});
}

void CallbackList::on_epoch_begin(int epoch) {
  for (auto& cb : callbacks_) cb->on_epoch_begin(epoch, {});
}

void CallbackList::on_epoch_end(int epoch, const std::vector<std::string>& names, const std::vector<double>& values) {
  if (empty()) return;
  const Logs logs = make_logs(names, values);
  for (auto& cb : callbacks_) cb->on_epoch_end(epoch, logs);
}

void CallbackList::on_train_batch_end(int batch, const std::vector<std::string>& names,
                                      const std::vector<double>& values) {
  if (empty()) return;
  const Logs logs = make_logs(names, values);
  for (auto& cb : callbacks_) cb->on_train_batch_end(batch, logs);
}

}  // namespace duet::keras::detail
