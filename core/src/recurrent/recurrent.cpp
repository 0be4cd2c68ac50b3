// The recurrent layers as loops over steps, composed from differentiable ops (affine, columns,
// time_step, elementwise): each op's backward is gradient-checked, so the loops are too. An LSTM
// with tanh and sigmoid runs as one fused node instead (lstm_cell.h), gradient-checked itself.
#include "duet/core/recurrent.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/core/lstm_cell.h"
#include "duet/core/sequence.h"

namespace duet::recurrent {

namespace {

// The hidden size H implied by the recurrent weight for `gates` blocks, after checking shapes.
template <typename T>
std::int64_t check_shapes(const char* layer, const BasicTensor<T>& x, const BasicTensor<T>& h0, const Weights<T>& w,
                          std::int64_t gates) {
  if (x.rank() != 3) {
    throw Error(fmt::format("{}: the input must be a batch-first sequence [batch, steps, features], got shape {}",
                            layer, x.shape().str()));
  }
  if (w.recurrent.rank() != 2) throw Error(fmt::format("{}: recurrent weight must be 2-D", layer));
  const bool in_out = w.layout == WeightLayout::in_out;
  const std::int64_t h = in_out ? w.recurrent.shape()[0] : w.recurrent.shape()[1];
  const Shape recurrent = in_out ? Shape{h, gates * h} : Shape{gates * h, h};
  const Shape input = in_out ? Shape{x.shape()[2], gates * h} : Shape{gates * h, x.shape()[2]};
  if (w.recurrent.shape() != recurrent || w.input.shape() != input) {
    throw Error(fmt::format("{}: weights {} (input) and {} (recurrent) do not fit {} inputs with {} units", layer,
                            w.input.shape().str(), w.recurrent.shape().str(), x.shape()[2], h));
  }
  for (const auto* b : {&w.input_bias, &w.recurrent_bias}) {
    if (b->defined() && b->shape() != Shape{gates * h}) {
      throw Error(fmt::format("{}: a bias of shape {} does not fit {} units", layer, b->shape().str(), h));
    }
  }
  if (h0.shape() != Shape{x.shape()[0], h}) {
    throw Error(fmt::format("{}: initial state {} does not fit batch {} and {} units", layer, h0.shape().str(),
                            x.shape()[0], h));
  }
  return h;
}

// x W + b for every step at once: [N, T, F] -> [N, T, G*H].
template <typename T>
BasicTensor<T> project_inputs(const BasicTensor<T>& x, const Weights<T>& w) {
  const Shape& s = x.shape();
  const BasicTensor<T> rows = reshape(x, Shape{s[0] * s[1], s[2]});
  const BasicTensor<T> projected = affine(rows, w.input, w.input_bias, w.layout);
  return reshape(projected, Shape{s[0], s[1], projected.shape()[1]});
}

// Gate block k of packed pre-activations [N, G*H].
template <typename T>
BasicTensor<T> block(const BasicTensor<T>& z, int k, std::int64_t h) {
  return columns(z, k * h, (k + 1) * h);
}

}  // namespace

template <typename T>
BasicTensor<T> simple_rnn(const BasicTensor<T>& x, const BasicTensor<T>& h0, const Weights<T>& w,
                          const Activation<T>& activation) {
  check_shapes("simple_rnn", x, h0, w, 1);
  const BasicTensor<T> projected = project_inputs(x, w);
  std::vector<BasicTensor<T>> outputs;
  BasicTensor<T> h = h0;
  for (std::int64_t t = 0; t < x.shape()[1]; ++t) {
    h = activation(time_step(projected, t) + affine(h, w.recurrent, w.recurrent_bias, w.layout));
    outputs.push_back(h);
  }
  return stack_steps(outputs);
}

template <typename T>
LstmResult<T> lstm(const BasicTensor<T>& x, const BasicTensor<T>& h0, const BasicTensor<T>& c0, const Weights<T>& w,
                   const Activation<T>& activation, const Activation<T>& recurrent_activation) {
  const std::int64_t units = check_shapes("lstm", x, h0, w, 4);
  if (c0.shape() != h0.shape()) {
    throw Error(fmt::format("lstm: initial cell state {} differs from the hidden state {}", c0.shape().str(),
                            h0.shape().str()));
  }
  if (x.shape()[1] > 0 && activation.kind() == ActivationKind::tanh &&
      recurrent_activation.kind() == ActivationKind::sigmoid) {
    // The whole layer as one node (and one for the final cell state): lstm_cell.h.
    return fused_lstm(x, h0, c0, w);
  }
  const BasicTensor<T> projected = project_inputs(x, w);
  std::vector<BasicTensor<T>> outputs;
  BasicTensor<T> h = h0, c = c0;
  for (std::int64_t t = 0; t < x.shape()[1]; ++t) {
    const BasicTensor<T> z = time_step(projected, t) + affine(h, w.recurrent, w.recurrent_bias, w.layout);
    const BasicTensor<T> i = recurrent_activation(block(z, 0, units));
    const BasicTensor<T> f = recurrent_activation(block(z, 1, units));
    const BasicTensor<T> g = activation(block(z, 2, units));
    const BasicTensor<T> o = recurrent_activation(block(z, 3, units));
    c = f * c + i * g;
    h = o * activation(c);
    outputs.push_back(h);
  }
  return {stack_steps(outputs), c};
}

template <typename T>
BasicTensor<T> gru(const BasicTensor<T>& x, const BasicTensor<T>& h0, const Weights<T>& w, GruGates gates,
                   ResetGate reset, const Activation<T>& activation, const Activation<T>& recurrent_activation) {
  const std::int64_t units = check_shapes("gru", x, h0, w, 3);
  const BasicTensor<T> projected = project_inputs(x, w);
  // For before_product the candidate's recurrent weight and bias are used on their own.
  BasicTensor<T> candidate_weight, candidate_bias;
  if (reset == ResetGate::before_product) {
    const std::int64_t begin = gates.candidate * units, end = begin + units;
    candidate_weight = w.layout == WeightLayout::in_out ? columns(w.recurrent, begin, end)
                                                        : slice_rows(w.recurrent, begin, end);
    if (w.recurrent_bias.defined()) candidate_bias = reshape(columns(reshape(w.recurrent_bias, Shape{1, 3 * units}), begin, end), Shape{units});
  }
  std::vector<BasicTensor<T>> outputs;
  BasicTensor<T> h = h0;
  for (std::int64_t t = 0; t < x.shape()[1]; ++t) {
    const BasicTensor<T> xz = time_step(projected, t);
    const BasicTensor<T> inner = affine(h, w.recurrent, w.recurrent_bias, w.layout);
    const BasicTensor<T> z = recurrent_activation(block(xz, gates.update, units) + block(inner, gates.update, units));
    const BasicTensor<T> r = recurrent_activation(block(xz, gates.reset, units) + block(inner, gates.reset, units));
    const BasicTensor<T> candidate =
        reset == ResetGate::after_product
            ? activation(block(xz, gates.candidate, units) + r * block(inner, gates.candidate, units))
            : activation(block(xz, gates.candidate, units) + affine(r * h, candidate_weight, candidate_bias, w.layout));
    h = z * h + (T(1) - z) * candidate;
    outputs.push_back(h);
  }
  return stack_steps(outputs);
}

#define DUET_INSTANTIATE(T)                                                                                       \
  template BasicTensor<T> simple_rnn(const BasicTensor<T>&, const BasicTensor<T>&, const Weights<T>&,             \
                                     const Activation<T>&);                                                       \
  template LstmResult<T> lstm(const BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, const Weights<T>&, \
                              const Activation<T>&, const Activation<T>&);                                        \
  template BasicTensor<T> gru(const BasicTensor<T>&, const BasicTensor<T>&, const Weights<T>&, GruGates, ResetGate, \
                              const Activation<T>&, const Activation<T>&);
DUET_INSTANTIATE(float)
DUET_INSTANTIATE(double)
#undef DUET_INSTANTIATE

}  // namespace duet::recurrent
