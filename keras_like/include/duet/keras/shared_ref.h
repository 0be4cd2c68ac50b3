/// @file
/// One object of a class hierarchy given by value or by shared pointer, so that
/// `Sequential({Dense(...), Dense(...)})` and `{.callbacks = {EarlyStopping(...)}}` read as in
/// Python while a caller who wants to keep a handle can pass a shared_ptr.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace duet::keras {

/// Holds a `Base` (or derived) object: a value is moved into a new shared object, a shared_ptr
/// is shared.
template <typename Base>
class SharedRef {
 public:
  template <typename T>
    requires std::is_base_of_v<Base, T>
  SharedRef(T value) : ptr_(std::make_shared<T>(std::move(value))) {}  // NOLINT: implicit by design
  template <typename T>
    requires std::is_base_of_v<Base, T>
  SharedRef(std::shared_ptr<T> value) : ptr_(std::move(value)) {}  // NOLINT
  const std::shared_ptr<Base>& get() const { return ptr_; }

 private:
  std::shared_ptr<Base> ptr_;
};

}  // namespace duet::keras
