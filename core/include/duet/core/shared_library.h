/// A shared library loaded on first use (dlopen), for the file formats a program may never touch:
/// Keras' HDF5 weight files and PyTorch's zip checkpoints. Linking libhdf5 and libzip outright
/// made every program that links Duet load them and their ~40 dependencies (libcurl, GnuTLS,
/// Kerberos, ...) at start-up: ~20 ms before main() for a comparison that trains in 1 ms.
/// Internal to Duet's front-ends; not part of the modelling API.
#pragma once

#include <string>
#include <vector>

namespace duet {

/// One loaded library. It is never unloaded: libraries such as libhdf5 register exit handlers.
class SharedLibrary {
 public:
  /// Loads the first of `names` (sonames or paths) that loads, or throws duet::Error naming
  /// `purpose`, every name tried and the loader's reason.
  SharedLibrary(std::string purpose, const std::vector<std::string>& names);

  /// The address of `symbol`, or a duet::Error naming the library and the symbol.
  void* address(const char* symbol) const;

  /// The address of the variable `symbol` as the library's own code sees it: the program's
  /// definition when the program itself links the library and reads the variable (the linker then
  /// copies it into the program, a copy relocation, and the library uses that copy), else the
  /// library's. A duet::Error when neither has it.
  void* variable_address(const char* symbol) const;

  /// `symbol` as a function pointer of type F (e.g. decltype(&H5Fopen)).
  template <class F>
  F function(const char* symbol) const {
    return reinterpret_cast<F>(address(symbol));
  }

  /// The name it was loaded by.
  const std::string& name() const { return name_; }

 private:
  void* handle_ = nullptr;
  std::string purpose_;
  std::string name_;
};

}  // namespace duet
