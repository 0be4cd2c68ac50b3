#include "duet/torch/warning.h"

#include <iostream>
#include <mutex>
#include <utility>

namespace duet::torch {

namespace {
std::mutex& handler_mutex() {
  static std::mutex m;
  return m;
}
WarningHandler& current_handler() {
  static WarningHandler handler;
  return handler;
}
}  // namespace

WarningHandler set_warning_handler(WarningHandler handler) {
  const std::lock_guard<std::mutex> lock(handler_mutex());
  return std::exchange(current_handler(), std::move(handler));
}

void warn(const std::string& message) {
  WarningHandler handler;
  {
    const std::lock_guard<std::mutex> lock(handler_mutex());
    handler = current_handler();
  }
  if (handler) handler(message);
  else std::cerr << "Warning: " << message << '\n';
}

}  // namespace duet::torch
