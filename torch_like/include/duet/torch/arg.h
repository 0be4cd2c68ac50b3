/// @file
/// Builder-style options, as libtorch writes them: `LinearOptions(3, 1).bias(false)` sets and
/// returns the options, `options.bias()` reads. DUET_TORCH_ARG(type, name) declares both and
/// the member `name_`; a default follows the macro: `DUET_TORCH_ARG(bool, bias) = true;`.
/// DUET_TORCH_ARG_OF(Self, type, name) does the same in a base shared by several options
/// (`template <typename Self> class Base`): its setter returns the derived `Self`, so that a chain
/// such as `LSTMOptions(4, 8).num_layers(2).batch_first(true)` keeps its type.
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

#define DUET_TORCH_ARG_OF(Self, T, name)                    \
 public:                                                     \
  Self& name(const T& new_##name) {                          \
    this->name##_ = new_##name;                              \
    return static_cast<Self&>(*this);                        \
  }                                                          \
  const T& name() const noexcept { return this->name##_; }   \
                                                             \
 private:                                                    \
  T name##_
