// torch.nn.RNN / LSTM / GRU over the core's recurrent loops (duet/core/recurrent.h) with PyTorch's
// weight layout [G*H, in] (WeightLayout::out_in), two biases and its gate orders.
#include "duet/torch/nn/rnn.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"
#include "duet/core/init.h"
#include "duet/core/ops.h"
#include "duet/core/recurrent.h"
#include "duet/core/sequence.h"
#include "duet/torch/tensor.h"

namespace duet::torch::nn {

namespace {
recurrent::Activation<float> tanh_fn() { return recurrent::Activation<float>::tanh(); }
recurrent::Activation<float> sigmoid_fn() { return recurrent::Activation<float>::sigmoid(); }
}  // namespace

RNNImplBase::RNNImplBase(const char* name, std::int64_t gates, Common common, Generator* generator)
    : name_(name), gates_(gates), common_(common) {
  if (common.input_size <= 0 || common.hidden_size <= 0 || common.num_layers <= 0) {
    throw Error(fmt::format("{}: input_size, hidden_size and num_layers must be positive, got input_size={}, "
                            "hidden_size={}, num_layers={}",
                            name, common.input_size, common.hidden_size, common.num_layers));
  }
  if (common.dropout != 0.0) {
    throw Error(fmt::format("{}: dropout={} between layers is not implemented in Duet (use 0)", name, common.dropout));
  }
  if (common.bidirectional) throw Error(fmt::format("{}: bidirectional=true is not implemented in Duet", name));
  const std::int64_t h = common.hidden_size;
  for (std::int64_t k = 0; k < common.num_layers; ++k) {
    // torch/nn/modules/rnn.py RNNBase.__init__: w_ih, w_hh, b_ih, b_hh per layer, in this order.
    const std::int64_t in = k == 0 ? common.input_size : h;
    LayerWeights w;
    w.weight_ih = register_parameter(fmt::format("weight_ih_l{}", k), Tensor::zeros({gates * h, in}));
    w.weight_hh = register_parameter(fmt::format("weight_hh_l{}", k), Tensor::zeros({gates * h, h}));
    if (common.bias) {
      w.bias_ih = register_parameter(fmt::format("bias_ih_l{}", k), Tensor::zeros({gates * h}));
      w.bias_hh = register_parameter(fmt::format("bias_hh_l{}", k), Tensor::zeros({gates * h}));
    }
    layers_.push_back(w);
  }
  reset_parameters(generator ? *generator : default_generator());
}

void RNNImplBase::reset_parameters(Generator& generator) {
  // torch/nn/modules/rnn.py reset_parameters: stdv = 1 / sqrt(hidden_size); every weight
  // init.uniform_(weight, -stdv, stdv).
  const float bound = 1.0f / std::sqrt(static_cast<float>(common_.hidden_size));
  for (Tensor& p : parameters()) p.mutable_data() = init::uniform(p.shape(), -bound, bound, generator).data();
}

std::string RNNImplBase::extra_repr() const {
  std::string out = fmt::format("{}, {}", common_.input_size, common_.hidden_size);
  if (common_.num_layers != 1) out += fmt::format(", num_layers={}", common_.num_layers);
  if (!common_.bias) out += ", bias=False";
  if (common_.batch_first) out += ", batch_first=True";
  return out;
}

std::pair<Tensor, bool> RNNImplBase::batch_first_input(const Tensor& input) const {
  if (input.rank() != 2 && input.rank() != 3) {
    // torch/nn/modules/rnn.py: "RNN: Expected input to be 2D or 3D, got 4D input instead"
    throw Error(fmt::format("{}: Expected input to be 2D or 3D, got {}D input instead (shape {})", name_, input.rank(),
                            input.shape().str()));
  }
  const std::int64_t features = input.shape()[input.rank() - 1];
  if (features != common_.input_size) {
    throw Error(fmt::format("{}: input.size(-1) must be equal to input_size. Expected {}, got {}", name_,
                            common_.input_size, features));
  }
  if (input.rank() == 2) return {input.unsqueeze(0), true};  // one sequence [T, F]
  return {common_.batch_first ? input : input.transpose(0, 1), false};
}

Tensor RNNImplBase::initial_state(const Tensor& hx, std::int64_t batch, bool unbatched, const char* which) const {
  const Shape expected = unbatched ? Shape{common_.num_layers, common_.hidden_size}
                                   : Shape{common_.num_layers, batch, common_.hidden_size};
  if (!hx.defined()) return Tensor::zeros({common_.num_layers, batch, common_.hidden_size});
  if (hx.shape() != expected) {
    throw Error(fmt::format("{}: Expected {} size {}, got {}", name_, which, expected.str(), hx.shape().str()));
  }
  return unbatched ? hx.unsqueeze(1) : hx;
}

Tensor RNNImplBase::output_layout(const Tensor& output, bool unbatched) const {
  if (unbatched) return output.squeeze(0);
  return common_.batch_first ? output : output.transpose(0, 1);
}

Tensor RNNImplBase::stack_layers(const std::vector<Tensor>& states, bool unbatched) const {
  std::vector<Tensor> rows;
  for (const Tensor& s : states) rows.push_back(s.unsqueeze(0));
  const Tensor all = concat(rows, 0);  // [layers, N, H]
  return unbatched ? all.squeeze(1) : all;
}

namespace {
recurrent::Weights<float> core_weights(const Tensor& wi, const Tensor& wh, const Tensor& bi, const Tensor& bh) {
  return {wi, wh, bi, bh, WeightLayout::out_in};
}
Tensor last_step(const Tensor& outputs) { return time_step(outputs, outputs.shape()[1] - 1); }
}  // namespace

// ---- RNN ----
RNNImpl::RNNImpl(std::int64_t input_size, std::int64_t hidden_size, Generator* generator)
    : RNNImpl(RNNOptions(input_size, hidden_size), generator) {}
RNNImpl::RNNImpl(const RNNOptions& o, Generator* generator)
    : RNNImplBase("RNN", 1, common_of(o), generator), options(o) {}

std::tuple<Tensor, Tensor> RNNImpl::forward(const Tensor& input, const Tensor& hx) {
  auto [x, unbatched] = batch_first_input(input);
  const Tensor h0 = initial_state(hx, x.shape()[0], unbatched, "hidden");
  const bool relu_act = std::holds_alternative<enumtype::kReLU>(options.nonlinearity());
  const recurrent::Activation<float> act =
      relu_act ? recurrent::Activation<float>([](const Tensor& v) { return duet::relu(v); }) : tanh_fn();
  std::vector<Tensor> finals;
  for (std::size_t k = 0; k < layer_weights().size(); ++k) {
    const auto& w = layer_weights()[k];
    x = recurrent::simple_rnn(x, h0.select(0, static_cast<std::int64_t>(k)),
                              core_weights(w.weight_ih, w.weight_hh, w.bias_ih, w.bias_hh), act);
    finals.push_back(last_step(x));
  }
  return {output_layout(x, unbatched), stack_layers(finals, unbatched)};
}

// ---- LSTM ----
LSTMImpl::LSTMImpl(std::int64_t input_size, std::int64_t hidden_size, Generator* generator)
    : LSTMImpl(LSTMOptions(input_size, hidden_size), generator) {}
LSTMImpl::LSTMImpl(const LSTMOptions& o, Generator* generator)
    : RNNImplBase("LSTM", 4, common_of(o), generator), options(o) {}

std::tuple<Tensor, std::tuple<Tensor, Tensor>> LSTMImpl::forward(const Tensor& input,
                                                                  std::optional<std::tuple<Tensor, Tensor>> hx) {
  auto [x, unbatched] = batch_first_input(input);
  const std::int64_t batch = x.shape()[0];
  const Tensor h0 = initial_state(hx ? std::get<0>(*hx) : Tensor(), batch, unbatched, "hidden");
  const Tensor c0 = initial_state(hx ? std::get<1>(*hx) : Tensor(), batch, unbatched, "cell");
  std::vector<Tensor> h_finals, c_finals;
  for (std::size_t k = 0; k < layer_weights().size(); ++k) {
    const auto& w = layer_weights()[k];
    const auto layer = static_cast<std::int64_t>(k);
    // PyTorch's LSTM: gates i, f, g, o; g and the output use tanh, the gates sigmoid.
    auto r = recurrent::lstm(x, h0.select(0, layer), c0.select(0, layer),
                             core_weights(w.weight_ih, w.weight_hh, w.bias_ih, w.bias_hh), tanh_fn(), sigmoid_fn());
    x = r.outputs;
    h_finals.push_back(last_step(x));
    c_finals.push_back(r.cell);
  }
  return {output_layout(x, unbatched), {stack_layers(h_finals, unbatched), stack_layers(c_finals, unbatched)}};
}

// ---- GRU ----
GRUImpl::GRUImpl(std::int64_t input_size, std::int64_t hidden_size, Generator* generator)
    : GRUImpl(GRUOptions(input_size, hidden_size), generator) {}
GRUImpl::GRUImpl(const GRUOptions& o, Generator* generator)
    : RNNImplBase("GRU", 3, common_of(o), generator), options(o) {}

std::tuple<Tensor, Tensor> GRUImpl::forward(const Tensor& input, const Tensor& hx) {
  auto [x, unbatched] = batch_first_input(input);
  const Tensor h0 = initial_state(hx, x.shape()[0], unbatched, "hidden");
  // torch.nn.GRU's weight_ih_l0 doc: (W_ir|W_iz|W_in); the reset gate always multiplies the
  // recurrent product plus b_hn (n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
  constexpr recurrent::GruGates kTorchGates{.update = 1, .reset = 0, .candidate = 2};
  std::vector<Tensor> finals;
  for (std::size_t k = 0; k < layer_weights().size(); ++k) {
    const auto& w = layer_weights()[k];
    x = recurrent::gru(x, h0.select(0, static_cast<std::int64_t>(k)),
                       core_weights(w.weight_ih, w.weight_hh, w.bias_ih, w.bias_hh), kTorchGates,
                       recurrent::ResetGate::after_product, tanh_fn(), sigmoid_fn());
    finals.push_back(last_step(x));
  }
  return {output_layout(x, unbatched), stack_layers(finals, unbatched)};
}

}  // namespace duet::torch::nn
