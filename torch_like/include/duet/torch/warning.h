/// @file
/// Where libtorch's TORCH_WARN messages go: a handler that receives each warning's text. The
/// default writes "Warning: <text>" to standard error on every call, as libtorch's default
/// handler does; a program or test may install its own (c10::WarningUtils::set_warning_handler).
#pragma once

#include <functional>
#include <string>

namespace duet::torch {

/// Receives one warning's text.
using WarningHandler = std::function<void(const std::string& message)>;

/// Installs `handler` (an empty one restores the default) and returns the one it replaces.
WarningHandler set_warning_handler(WarningHandler handler);

/// Passes `message` to the current handler.
void warn(const std::string& message);

}  // namespace duet::torch
