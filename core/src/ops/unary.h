// Internal: the recording helper behind every elementwise unary op, shared by ops/elementwise.cpp
// and ops/activations.cpp so that an op states only its value and its derivative.
#pragma once

#include "../autograd.h"

namespace duet::detail {

// y = f(x), dy/dx = df(x, y).
template <typename T, typename F, typename DF>
BasicTensor<T> unary(const char* op, const BasicTensor<T>& x, F f, DF df) {
  const auto& xv = x.data();
  auto y = take_values<T>(xv.size());
  for (Eigen::Index i = 0; i < xv.size(); ++i) y[i] = f(xv[i]);
  return make_result<T>(op, x.shape(), std::move(y), {&x},
                        [df](GradNode<T>& node, const TensorImpl<T>& out, const auto& g) {
                          const auto& in = node.inputs[0]->data;
                          auto& sink = grad_sink(node, 0);
                          for (Eigen::Index i = 0; i < g.size(); ++i) sink[i] += g[i] * df(in[i], out.data[i]);
                        });
}

}  // namespace duet::detail
