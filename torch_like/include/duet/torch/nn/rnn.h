/// @file
/// torch.nn.RNN, LSTM and GRU: multi-layer recurrent modules over [T, N, F] sequences
/// ([N, T, F] with batch_first, or one unbatched [T, F] sequence), returning every step's output
/// of the last layer and each layer's final state, as libtorch's
/// torch/csrc/api/include/torch/nn/modules/rnn.h does:
///   auto [output, h_n] = gru(x);              // RNN and GRU
///   auto [output, state] = lstm(x);           // state = (h_n, c_n)
/// Parameters per layer k: weight_ih_lk [G*H, in], weight_hh_lk [G*H, H], bias_ih_lk, bias_hh_lk
/// [G*H], with gate blocks i, f, g, o (LSTM) and r, z, n (GRU).
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>
#include <variant>
#include <vector>

#include "duet/core/random.h"
#include "duet/torch/arg.h"
#include "duet/torch/enum.h"
#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

/// The options RNN, LSTM and GRU share (libtorch's detail::RNNOptionsBase), each setter returning
/// the derived options (`Self`) so that chains keep their type.
template <typename Self>
class RNNOptionsBase {
 public:
  RNNOptionsBase(std::int64_t input_size, std::int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  /// the number of expected features in the input
  DUET_TORCH_ARG_OF(Self, std::int64_t, input_size);
  /// the number of features in the hidden state
  DUET_TORCH_ARG_OF(Self, std::int64_t, hidden_size);
  /// number of recurrent layers stacked on each other
  DUET_TORCH_ARG_OF(Self, std::int64_t, num_layers) = 1;
  /// whether the layers use bias_ih and bias_hh
  DUET_TORCH_ARG_OF(Self, bool, bias) = true;
  /// input and output are [batch, seq, feature] instead of [seq, batch, feature]
  DUET_TORCH_ARG_OF(Self, bool, batch_first) = false;
  /// dropout between layers: Duet supports only 0
  DUET_TORCH_ARG_OF(Self, double, dropout) = 0.0;
  /// a reverse direction too: Duet supports only false
  DUET_TORCH_ARG_OF(Self, bool, bidirectional) = false;
};

/// RNNOptions(4, 8).nonlinearity(torch::kReLU).num_layers(2)
class RNNOptions : public RNNOptionsBase<RNNOptions> {
 public:
  using RNNOptionsBase::RNNOptionsBase;
  /// tanh (the default) or relu
  using nonlinearity_t = std::variant<enumtype::kTanh, enumtype::kReLU>;
  /// the activation of h_t
  DUET_TORCH_ARG(nonlinearity_t, nonlinearity) = kTanh;
};
/// LSTMOptions(4, 8).batch_first(true)
class LSTMOptions : public RNNOptionsBase<LSTMOptions> {
 public:
  using RNNOptionsBase::RNNOptionsBase;
};
/// GRUOptions(4, 8).bias(false)
class GRUOptions : public RNNOptionsBase<GRUOptions> {
 public:
  using RNNOptionsBase::RNNOptionsBase;
};

/// What the three modules share: the parameters, their initialisation and the layer loop.
class RNNImplBase : public Module {
 public:
  /// Every parameter drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in registration order
  /// (torch/nn/modules/rnn.py RNNBase.reset_parameters).
  void reset_parameters(Generator& generator);
  /// The parameters in registration order (libtorch's all_weights()).
  std::vector<Tensor> all_weights() const { return parameters(); }
  std::string extra_repr() const override;

 protected:
  struct Common {
    std::int64_t input_size, hidden_size, num_layers;
    bool bias, batch_first;
    double dropout;
    bool bidirectional;
  };
  /// The shared fields of RNNOptions, LSTMOptions or GRUOptions.
  template <typename Options>
  static Common common_of(const RNNOptionsBase<Options>& o) {
    return Common{o.input_size(), o.hidden_size(), o.num_layers(), o.bias(), o.batch_first(), o.dropout(),
                  o.bidirectional()};
  }
  /// `gates`: 1 (RNN), 4 (LSTM), 3 (GRU); `name` for messages and printing.
  RNNImplBase(const char* name, std::int64_t gates, Common common, Generator* generator);

  /// One layer's parameters, for the subclasses' forward().
  struct LayerWeights {
    Tensor weight_ih, weight_hh, bias_ih, bias_hh;
  };
  const std::vector<LayerWeights>& layer_weights() const { return layers_; }

  /// The input as [N, T, F] and whether it was one unbatched sequence; checks its rank and size.
  std::pair<Tensor, bool> batch_first_input(const Tensor& input) const;
  /// A state given as [layers, N, H] (or [layers, H] unbatched), checked; zeros when undefined.
  Tensor initial_state(const Tensor& hx, std::int64_t batch, bool unbatched, const char* which) const;
  /// [N, T, H] back to the caller's layout (and without the batch axis when unbatched).
  Tensor output_layout(const Tensor& output, bool unbatched) const;
  /// Per-layer final states [N, H] -> [layers, N, H] (or [layers, H] when unbatched).
  Tensor stack_layers(const std::vector<Tensor>& states, bool unbatched) const;

  const char* name_;
  std::int64_t gates_;
  Common common_;

 private:
  std::vector<LayerWeights> layers_;
};

// RNN, LSTM and GRU return tuples and take an optional state, as in libtorch; their forward hides
// Module's one-tensor forward on purpose (clang's -Woverloaded-virtual silenced for the three).
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Woverloaded-virtual"
#endif
/// An Elman RNN: h_t = tanh (or relu)(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).
class RNNImpl : public RNNImplBase {
 public:
  RNNImpl(std::int64_t input_size, std::int64_t hidden_size, Generator* generator = nullptr);
  explicit RNNImpl(const RNNOptions& options, Generator* generator = nullptr);
  /// (output of every step, h_n [num_layers, N, H]); hx: h_0 as [num_layers, N, H], zeros if undefined.
  std::tuple<Tensor, Tensor> forward(const Tensor& input, const Tensor& hx = {});
  std::string type_name() const override { return "RNN"; }
  RNNOptions options;
};
TORCH_MODULE(RNN);

/// LSTM with gates i, f, g, o: c_t = f c + i g, h_t = o tanh(c_t).
class LSTMImpl : public RNNImplBase {
 public:
  LSTMImpl(std::int64_t input_size, std::int64_t hidden_size, Generator* generator = nullptr);
  explicit LSTMImpl(const LSTMOptions& options, Generator* generator = nullptr);
  /// (output of every step, (h_n, c_n)), states [num_layers, N, H]; hx = (h_0, c_0), zeros if not given.
  std::tuple<Tensor, std::tuple<Tensor, Tensor>> forward(const Tensor& input,
                                                         std::optional<std::tuple<Tensor, Tensor>> hx = std::nullopt);
  std::string type_name() const override { return "LSTM"; }
  LSTMOptions options;
};
TORCH_MODULE(LSTM);

/// GRU with gates r, z, n: n = tanh(x W_in + b_in + r (h W_hn + b_hn)), h_t = (1 - z) n + z h.
class GRUImpl : public RNNImplBase {
 public:
  GRUImpl(std::int64_t input_size, std::int64_t hidden_size, Generator* generator = nullptr);
  explicit GRUImpl(const GRUOptions& options, Generator* generator = nullptr);
  /// (output of every step, h_n [num_layers, N, H]).
  std::tuple<Tensor, Tensor> forward(const Tensor& input, const Tensor& hx = {});
  std::string type_name() const override { return "GRU"; }
  GRUOptions options;
};
TORCH_MODULE(GRU);
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

}  // namespace duet::torch::nn
