/// @file
/// Builder-style options, as libtorch writes them: `LinearOptions(3, 1).bias(false)` sets and
/// returns the options, `options.bias()` reads. DUET_TORCH_ARG(type, name) declares both and
/// the member `name_`; a default follows the macro: `DUET_TORCH_ARG(bool, bias) = true;`.
#pragma once

#define DUET_TORCH_ARG(T, name)                              \
 public:                                                     \
  auto name(const T& new_##name) -> decltype(*this) {        \
    this->name##_ = new_##name;                              \
    return *this;                                            \
  }                                                          \
  const T& name() const noexcept { return this->name##_; }   \
                                                             \
 private:                                                    \
  T name##_
