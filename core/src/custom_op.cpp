// Recording a caller-written op: one graph node whose backward closure calls the caller's
// function and checks what it returns (torch/csrc/autograd/custom_function.cpp's checks).
#include "duet/core/custom_op.h"

#include <fmt/format.h>

#include <cstddef>
#include <utility>

#include "autograd.h"
#include "duet/core/error.h"

namespace duet {

namespace {

// The gradients must be one per input, or more with the extra ones undefined.
template <typename T>
void check_count(const char* name, const std::vector<BasicTensor<T>>& grads, std::size_t count) {
  bool extra_defined = false;
  for (std::size_t i = count; i < grads.size(); ++i) extra_defined = extra_defined || grads[i].defined();
  if (grads.size() < count || extra_defined) {
    throw Error(fmt::format("function {} returned an incorrect number of gradients (expected {}, got {})", name, count,
                            grads.size()));
  }
}

}  // namespace

template <typename T>
BasicTensor<T> record_custom_op(const char* name, const BasicTensor<T>& output, const std::vector<BasicTensor<T>>& inputs,
                                CustomBackward<T> backward) {
  if (!output.defined()) throw Error(fmt::format("function {}: forward returned an undefined tensor", name));
  // A new tensor, so that a forward returning one of its inputs does not turn that input into
  // a non-leaf.
  auto result = BasicTensor<T>::from_array(output.shape(), output.data());
  result.impl().dtype = output.dtype();
  std::vector<std::shared_ptr<TensorImpl<T>>> recorded;  // the inputs that want a gradient
  std::vector<std::size_t> position;                     // ... and their places in `inputs`
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].defined() && inputs[i].requires_grad()) {
      recorded.push_back(inputs[i].impl_ptr());
      position.push_back(i);
    }
  }
  if (!grad_enabled() || recorded.empty()) return result;

  const std::size_t count = inputs.size();
  result.impl().grad_fn = detail::make_node<T>(
      name, std::move(recorded),
      [name, count, position = std::move(position), backward = std::move(backward)](
          auto& node, const TensorImpl<T>& out, const typename GradNode<T>::Array& grad_out) {
        std::vector<BasicTensor<T>> grads;
        {
          NoGradGuard no_grad;
          grads = backward(BasicTensor<T>::from_array(out.shape, grad_out));
        }
        check_count(name, grads, count);
        for (std::size_t k = 0; k < position.size(); ++k) {
          const BasicTensor<T>& g = grads[position[k]];
          if (!g.defined() || !detail::wants_grad(node, k)) continue;
          const Shape& expected = node.inputs[k]->shape;
          if (!(g.shape() == expected)) {
            throw Error(fmt::format("function {} returned a gradient of shape {} for its input {}, which has shape {}",
                                    name, g.shape().str(), position[k], expected.str()));
          }
          detail::grad_sink(node, k) += g.data();
        }
      });
  result.impl().requires_grad = true;
  return result;
}

template Tensor record_custom_op<float>(const char*, const Tensor&, const std::vector<Tensor>&, CustomBackward<float>);
template Tensor64 record_custom_op<double>(const char*, const Tensor64&, const std::vector<Tensor64>&,
                                           CustomBackward<double>);

}  // namespace duet
