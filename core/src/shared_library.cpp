#include "duet/core/shared_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet {

SharedLibrary::SharedLibrary(std::string purpose, const std::vector<std::string>& names) : purpose_(std::move(purpose)) {
  std::string reasons;
  for (const auto& name : names) {
    // RTLD_LOCAL: its symbols stay out of the global namespace, so a program that links its own
    // libhdf5 or libzip keeps its own copy's symbols.
    handle_ = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ != nullptr) {
      name_ = name;
      return;
    }
    const char* why = dlerror();
    reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why != nullptr ? why : name);
  }
  throw Error(fmt::format("{} needs a shared library that does not load ({})", purpose_, reasons));
}

void* SharedLibrary::address(const char* symbol) const {
  dlerror();
  void* p = dlsym(handle_, symbol);
  if (p == nullptr) throw Error(fmt::format("{}: {} has no symbol '{}'", purpose_, name_, symbol));
  return p;
}

void* SharedLibrary::variable_address(const char* symbol) const {
  if (void* p = dlsym(RTLD_DEFAULT, symbol)) return p;
  return address(symbol);
}

}  // namespace duet
