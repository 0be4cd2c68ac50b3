/// @file
/// keras.initializers by name: what Dense's kernel_initializer and Layer::add_weight accept.
#pragma once

#include <string>

#include "duet/core/random.h"
#include "duet/core/shape.h"
#include "duet/core/tensor.h"

namespace duet::keras::initializers {

/// A tensor of `shape` drawn by the initializer Keras calls `identifier`: zeros, ones,
/// glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, orthogonal,
/// random_uniform, random_normal or truncated_normal. Fans follow Keras' compute_fans: a
/// kernel [in, out] has fan_in = in and fan_out = out; a vector [n] has both n; a scalar 1.
Tensor initialize(const std::string& identifier, const Shape& shape, Generator& generator);

/// Throws naming the known initializers when `identifier` is not one of them.
void check_identifier(const std::string& identifier);

}  // namespace duet::keras::initializers
