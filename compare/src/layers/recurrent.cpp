// "simple_rnn", "lstm", "gru": Keras' SimpleRNN / LSTM / GRU against PyTorch's RNN / LSTM / GRU
// (batch_first). Keras packs kernel [in][G*u] with one bias; PyTorch weight_ih [G*u][in] with
// bias_ih and bias_hh. The gate blocks of an LSTM are in the same order on both sides (i, f, c/g,
// o); a GRU's are z, r, h in Keras and r, z, n in PyTorch. Mapping (experiment format v2):
// weights transposed with the blocks reordered, bias_ih = bias (GRU: bias[0]), bias_hh = 0
// (GRU: bias[1]); reported bias = bias_ih + bias_hh for SimpleRNN and LSTM.
#include <fmt/format.h>

#include <array>

#include "duet/compare/experiment.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/keras/layers/recurrent.h"
#include "duet/torch/nn/rnn.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

// For each PyTorch gate block, the Keras block it holds.
using BlockOrder = std::vector<int>;
const BlockOrder& block_order(std::int64_t gates) {
  static const BlockOrder one{0}, lstm{0, 1, 2, 3};
  // keras/src/layers/rnn/gru.py packs z, r, h; torch.nn.GRU packs r, z, n.
  static const BlockOrder gru{1, 0, 2};
  return gates == 1 ? one : gates == 4 ? lstm : gru;
}

// Keras [rows][G*u] -> PyTorch [G*u][rows], PyTorch block b taken from Keras block order[b].
Tensor torch_packed(const Tensor& keras, std::int64_t units, const BlockOrder& order) {
  const std::int64_t rows = keras.shape()[0], width = keras.shape()[1];
  std::vector<float> out(static_cast<std::size_t>(rows * width));
  for (std::size_t b = 0; b < order.size(); ++b)
    for (std::int64_t j = 0; j < units; ++j)
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t torch_row = static_cast<std::int64_t>(b) * units + j, keras_col = order[b] * units + j;
        out[static_cast<std::size_t>(torch_row * rows + r)] = keras.data()[r * width + keras_col];
      }
  return Tensor::from_data(Shape{width, rows}, out);
}

// The inverse: PyTorch [G*u][rows] -> Keras [rows][G*u].
Tensor keras_packed(const Tensor& torch_weight, std::int64_t units, const BlockOrder& order) {
  const std::int64_t width = torch_weight.shape()[0], rows = torch_weight.shape()[1];
  std::vector<float> out(static_cast<std::size_t>(rows * width));
  for (std::size_t b = 0; b < order.size(); ++b)
    for (std::int64_t j = 0; j < units; ++j)
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t torch_row = static_cast<std::int64_t>(b) * units + j, keras_col = order[b] * units + j;
        out[static_cast<std::size_t>(r * width + keras_col)] = torch_weight.data()[torch_row * rows + r];
      }
  return Tensor::from_data(Shape{rows, width}, out);
}

// A bias vector [G*u] reordered between the sides (the same permutation as the weights' blocks).
std::vector<float> torch_bias(const Tensor::Array& keras, std::int64_t units, const BlockOrder& order) {
  std::vector<float> out(static_cast<std::size_t>(keras.size()));
  for (std::size_t b = 0; b < order.size(); ++b)
    for (std::int64_t j = 0; j < units; ++j)
      out[static_cast<std::size_t>(static_cast<std::int64_t>(b) * units + j)] = keras[order[b] * units + j];
  return out;
}
std::vector<float> keras_bias(const Tensor::Array& torch_b, std::int64_t units, const BlockOrder& order) {
  std::vector<float> out(static_cast<std::size_t>(torch_b.size()));
  for (std::size_t b = 0; b < order.size(); ++b)
    for (std::int64_t j = 0; j < units; ++j)
      out[static_cast<std::size_t>(order[b] * units + j)] = torch_b[static_cast<std::int64_t>(b) * units + j];
  return out;
}

// PyTorch's recurrent module returns (output, state); a Sequential needs one tensor: the output
// of every step with return_sequences, else the last step's (what Keras hands on).
class SequenceOutputImpl : public torch::nn::Module {
 public:
  using Run = std::function<Tensor(const Tensor&)>;
  SequenceOutputImpl(std::shared_ptr<torch::nn::RNNImplBase> rnn, Run run, bool return_sequences)
      : run_(std::move(run)), return_sequences_(return_sequences) {
    register_module("rnn", std::move(rnn));
  }
  Tensor forward(const Tensor& input) override {
    const Tensor all = run_(input);  // [N, T, H]
    if (return_sequences_) return all;
    return all.select(1, all.size(1) - 1);
  }
  std::string type_name() const override { return return_sequences_ ? "AllSteps" : "LastStep"; }

 private:
  Run run_;
  bool return_sequences_;
};

class RecurrentKind : public LayerKind {
 public:
  RecurrentKind(std::string type, std::int64_t gates) : type_(std::move(type)), gates_(gates) {}
  std::string type() const override { return type_; }
  bool wants_batch_first_sequence() const override { return true; }

  std::vector<OptionSpec> shared_options() const override {
    std::vector<OptionSpec> options{
        {.key = "units", .type = OptionType::integer, .required = true, .minimum = 1, .maximum = kMaxUnitsPerLayer},
        {.key = "return_sequences", .type = OptionType::flag, .default_value = false},
        {.key = "use_bias", .type = OptionType::flag, .default_value = true}};
    // PyTorch's RNN offers tanh or relu; its LSTM and GRU always use tanh.
    if (gates_ == 1) {
      options.push_back({.key = "activation", .type = OptionType::text, .default_value = std::string("tanh"),
                         .choices = {"tanh", "relu"}});
    }
    return options;
  }
  std::vector<OptionSpec> keras_options() const override {
    if (gates_ == 1) return {};
    std::vector<OptionSpec> options{{.key = "recurrent_activation", .type = OptionType::text,
                                     .default_value = std::string("sigmoid"), .choices = {"sigmoid"}}};
    if (gates_ == 4) options.push_back({.key = "unit_forget_bias", .type = OptionType::flag, .default_value = true});
    if (gates_ == 3) options.push_back({.key = "reset_after", .type = OptionType::flag, .default_value = true});
    return options;
  }

  Shape output_shape(const LayerSpec& spec, const LayerContext& ctx) const override {
    if (ctx.input.rank() != 2) {
      throw Error(fmt::format("{} ({}): takes sequences, samples of shape [steps, features], got samples of shape {} "
                              "(x must be rank 3: rows x steps x features)",
                              ctx.path, type_, ctx.input.str()));
    }
    if (gates_ == 3 && !spec.keras_flag("reset_after")) {
      throw Error(fmt::format("{}.keras.reset_after: PyTorch's GRU always applies the reset gate after the matrix "
                              "product: reset_after must be true",
                              ctx.path));
    }
    const std::int64_t units = spec.integer("units");
    return spec.flag("return_sequences") ? Shape{ctx.input[0], units} : Shape{units};
  }

  std::vector<std::pair<std::string, Shape>> weight_shapes(const LayerSpec& spec,
                                                           const LayerContext& ctx) const override {
    const std::int64_t units = spec.integer("units"), width = gates_ * units;
    std::vector<std::pair<std::string, Shape>> shapes{{"kernel", Shape{ctx.input[1], width}},
                                                      {"recurrent_kernel", Shape{units, width}}};
    if (spec.flag("use_bias")) shapes.emplace_back("bias", gates_ == 3 ? Shape{2, width} : Shape{width});
    return shapes;
  }
  double parameter_count(const LayerSpec& spec, const LayerContext& ctx) const override {
    const auto units = static_cast<double>(spec.integer("units"));
    const double features = ctx.input.rank() == 2 ? static_cast<double>(ctx.input[1]) : 0.0;
    const double bias = spec.flag("use_bias") ? (gates_ == 3 ? 2.0 : 1.0) * units : 0.0;
    return static_cast<double>(gates_) * (units * (features + units) + bias);
  }
  double work_per_sample(const LayerSpec& spec, const LayerContext& ctx) const override {
    // every weight is used once per step
    return parameter_count(spec, ctx) * static_cast<double>(ctx.input.rank() == 2 ? ctx.input[0] : 1);
  }

  std::vector<std::string> keras_classes() const override {
    return {gates_ == 1 ? "SimpleRNN" : gates_ == 4 ? "LSTM" : "GRU"};
  }
  std::optional<WeightMapping> weight_mapping(const std::vector<std::pair<std::string, Shape>>& keras,
                                              const LayerContext&) const override {
    const std::int64_t gates = gates_, width = keras.at(0).second[1], units = width / gates;
    const bool has_bias = keras.size() > 2;
    WeightMapping m;
    m.torch_types = {gates == 1 ? "RNN" : gates == 4 ? "LSTM" : "GRU"};
    m.to_torch = [units, width, gates](const NamedWeights& w) {
      const auto& order = block_order(gates);
      torch::StateDict out{{"weight_ih_l0", torch_packed(weight(w, "kernel"), units, order)},
                           {"weight_hh_l0", torch_packed(weight(w, "recurrent_kernel"), units, order)}};
      if (w.size() < 3) return out;
      const Tensor& b = weight(w, "bias");
      if (gates == 3) {
        // Keras' GRU (reset_after) bias rows: [0] input, [1] recurrent = bias_ih, bias_hh.
        out.emplace_back("bias_ih_l0", Tensor::from_data({width}, torch_bias(b.data().head(width), units, order)));
        out.emplace_back("bias_hh_l0", Tensor::from_data({width}, torch_bias(b.data().tail(width), units, order)));
      } else {
        out.emplace_back("bias_ih_l0", Tensor::from_data({width}, torch_bias(b.data(), units, order)));
        out.emplace_back("bias_hh_l0", Tensor::zeros({width}));
      }
      return out;
    };
    m.to_keras = [units, width, gates, has_bias](const torch::StateDict& state) {
      const auto& order = block_order(gates);
      const Tensor ih_weight = state_entry(state, "weight_ih_l0"), hh_weight = state_entry(state, "weight_hh_l0");
      for (const Tensor* packed : {&ih_weight, &hh_weight}) {
        if (packed->rank() != 2 || packed->shape()[0] != width) {
          throw Error(fmt::format("its weights have shape {}, where [{}, ...] ({} gates of {} units) would fit",
                                  packed->shape().str(), width, gates, units));
        }
      }
      NamedWeights w{{"kernel", keras_packed(ih_weight, units, order)},
                     {"recurrent_kernel", keras_packed(hh_weight, units, order)}};
      const bool torch_bias_given = find_state_entry(state, "bias_ih_l0") != nullptr;
      if (has_bias != torch_bias_given) {
        throw Error(has_bias ? "has no 'bias_ih_l0' entry, the Keras layer has a bias (use_bias=True)"
                               : "has a 'bias_ih_l0' entry, the Keras layer has none (use_bias=False)");
      }
      if (!has_bias) return w;
      const Tensor bias_ih = state_entry(state, "bias_ih_l0"), bias_hh = state_entry(state, "bias_hh_l0");
      for (const Tensor* b : {&bias_ih, &bias_hh}) {
        if (b->numel() != width) throw Error(fmt::format("its biases have shape {}, where [{}] would fit", b->shape().str(), width));
      }
      const auto ih = keras_bias(bias_ih.data(), units, order);
      const auto hh = keras_bias(bias_hh.data(), units, order);
      if (gates == 3) {
        std::vector<float> rows = ih;
        rows.insert(rows.end(), hh.begin(), hh.end());
        w.emplace_back("bias", Tensor::from_data({2, width}, rows));
      } else {
        // Keras has one bias: PyTorch's two add up (they only ever appear as a sum).
        std::vector<float> sum(ih.size());
        for (std::size_t k = 0; k < sum.size(); ++k) sum[k] = ih[k] + hh[k];
        w.emplace_back("bias", Tensor::from_data({width}, sum));
      }
      return w;
    };
    return m;
  }

  keras::layers::LayerRef keras_layer(const LayerSpec& spec, const LayerContext&) const override {
    keras::layers::RecurrentOptions o;
    o.use_bias = spec.flag("use_bias");
    o.return_sequences = spec.flag("return_sequences");
    const std::int64_t units = spec.integer("units");
    if (gates_ == 1) {
      o.activation = spec.text("activation");
      return keras::layers::SimpleRNN(units, o);
    }
    o.recurrent_activation = spec.keras_text("recurrent_activation");
    if (gates_ == 4) {
      o.unit_forget_bias = spec.keras_flag("unit_forget_bias");
      return keras::layers::LSTM(units, o);
    }
    o.reset_after = spec.keras_flag("reset_after");
    return keras::layers::GRU(units, o);
  }

  TorchLayer torch_layer(const LayerSpec& spec, const LayerContext& ctx) const override {
    const std::int64_t units = spec.integer("units"), features = ctx.input[1];
    const bool bias = spec.flag("use_bias");
    std::shared_ptr<torch::nn::RNNImplBase> base;
    SequenceOutputImpl::Run run;
    if (gates_ == 1) {
      auto o = torch::nn::RNNOptions(features, units).batch_first(true).bias(bias);
      if (spec.text("activation") == "relu") o.nonlinearity(torch::kReLU);
      auto m = std::make_shared<torch::nn::RNNImpl>(o);
      base = m;
      run = [m](const Tensor& x) { return std::get<0>(m->forward(x)); };
    } else if (gates_ == 4) {
      auto m = std::make_shared<torch::nn::LSTMImpl>(torch::nn::LSTMOptions(features, units).batch_first(true).bias(bias));
      base = m;
      run = [m](const Tensor& x) { return std::get<0>(m->forward(x)); };
    } else {
      auto m = std::make_shared<torch::nn::GRUImpl>(torch::nn::GRUOptions(features, units).batch_first(true).bias(bias));
      base = m;
      run = [m](const Tensor& x) { return std::get<0>(m->forward(x)); };
    }
    TorchLayer t;
    t.modules.push_back(std::make_shared<SequenceOutputImpl>(base, run, spec.flag("return_sequences")));
    bind_weight_mapping(t, base, *weight_mapping(weight_shapes(spec, ctx), ctx));
    return t;
  }

 private:
  std::string type_;
  std::int64_t gates_;
};

}  // namespace

std::vector<std::unique_ptr<LayerKind>> recurrent_kinds() {
  std::vector<std::unique_ptr<LayerKind>> kinds;
  kinds.push_back(std::make_unique<RecurrentKind>("simple_rnn", 1));
  kinds.push_back(std::make_unique<RecurrentKind>("lstm", 4));
  kinds.push_back(std::make_unique<RecurrentKind>("gru", 3));
  return kinds;
}

}  // namespace duet::compare
