// Internal: the argument checks Sequential's methods share, worded as Keras users read them.
#pragma once

#include "duet/core/tensor.h"

namespace duet::keras::detail {

// t must be a non-empty [samples, features] matrix of finite values; `what` names the argument.
void require_matrix(const Tensor& t, const char* method, const char* what);
// t must be a non-empty batch of finite samples: rank 2 ([samples, features]) or more
// ([samples, steps, features], [samples, height, width, channels]).
void require_samples(const Tensor& t, const char* method, const char* what);

}  // namespace duet::keras::detail
