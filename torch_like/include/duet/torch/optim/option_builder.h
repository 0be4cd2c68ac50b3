/// @file
/// libtorch's chainable optimiser options (torch/csrc/api/include/torch/optim/sgd.h and its
/// siblings declare them with TORCH_ARG): `SGDOptions(0.01).momentum(0.9).nesterov(true)` sets
/// and returns the options, `options.momentum()` reads. Each `XOptions` derives from Duet's plain
/// `XFields` aggregate (the form `{.lr = 0.01f, .momentum = 0.9f}` and the experiment parser use)
/// and its setters write the inherited field, so an optimiser takes either form: a builder is an
/// `XFields` with methods.
#pragma once

#include <tuple>

/// Declares the setter `name(value)` (chainable) and the getter `name()` for the field `name` of
/// the base aggregate `FieldsT`; `T` is the type libtorch's setter takes (double or bool).
#define DUET_TORCH_OPTIMIZER_ARG(FieldsT, T, name)                            \
  auto name(T value) -> decltype(*this) {                                    \
    this->FieldsT::name = static_cast<decltype(FieldsT::name)>(value);         \
    return *this;                                                            \
  }                                                                          \
  T name() const noexcept { return static_cast<T>(this->FieldsT::name); }

/// libtorch's `betas(std::tuple<double, double>)` setter and getter over a `std::pair<float, float>`.
#define DUET_TORCH_OPTIMIZER_BETAS(FieldsT)                                                              \
  auto betas(std::tuple<double, double> value) -> decltype(*this) {                                      \
    this->FieldsT::betas = {static_cast<float>(std::get<0>(value)), static_cast<float>(std::get<1>(value))}; \
    return *this;                                                                                        \
  }                                                                                                      \
  std::tuple<double, double> betas() const noexcept { return {this->FieldsT::betas.first, this->FieldsT::betas.second}; }
