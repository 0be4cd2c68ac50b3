/// @file
/// A differentiable op whose derivative the caller writes (PyTorch's autograd.Function): the
/// front-end computes the value outside the graph, then records it here with a backward that
/// maps the output's gradient to one gradient per input.
#pragma once

#include <functional>
#include <vector>

#include "duet/core/tensor.h"

namespace duet {

/// The gradients of a custom op's inputs, one per input in order (an undefined tensor: none),
/// given the gradient of its output.
template <typename T>
using CustomBackward = std::function<std::vector<BasicTensor<T>>(const BasicTensor<T>& grad_output)>;

/// `output`'s values as the result of the op `name` over `inputs`. When gradients are recorded
/// and some defined input requires grad, the result is a new non-leaf whose backward calls
/// `backward` (under NoGradGuard) and adds each returned gradient to its input. `backward` must
/// return inputs.size() gradients; more are allowed when the extra ones are undefined (as
/// libtorch allows for a defaulted argument); otherwise, or for a gradient whose shape differs
/// from its input's, the backward pass throws duet::Error naming `name`. `name` must live as long
/// as the graph (a string literal or a static).
template <typename T>
BasicTensor<T> record_custom_op(const char* name, const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                CustomBackward<T> backward);

}  // namespace duet
