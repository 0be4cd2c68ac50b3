// Porting LSTM weights between the two styles, both ways, as one does between Keras and PyTorch:
//
//   Keras -> PyTorch:  weight_ih_l0 = kernel.T, weight_hh_l0 = recurrent_kernel.T,
//                      bias_ih_l0 = bias, bias_hh_l0 = 0   (gate blocks i, f, c|g, o: same order)
//   PyTorch -> Keras:  kernel = weight_ih_l0.T, recurrent_kernel = weight_hh_l0.T,
//                      bias = bias_ih_l0 + bias_hh_l0       (Keras has one bias)
//
// Keras returns the last step's output; PyTorch returns every step, so compare output[:, -1].
// Each direction prints the largest difference between the two models' outputs.
#include <duet/keras.h>
#include <duet/torch.h>
#include <fmt/core.h>

#include <cmath>

namespace keras = duet::keras;
namespace torch = duet::torch;
namespace nn = duet::torch::nn;
using duet::Tensor;

namespace {

constexpr std::int64_t kSteps = 6, kFeatures = 3, kUnits = 5;

Tensor sequences() {
  std::vector<float> v;
  for (int i = 0; i < 4 * kSteps * kFeatures; ++i) v.push_back(std::sin(0.37f * static_cast<float>(i)));
  return Tensor::from_data({4, kSteps, kFeatures}, v);
}

float max_difference(const Tensor& a, const Tensor& b) { return (a.data() - b.data()).abs().maxCoeff(); }

// The last step of a batch-first output [N, T, H].
Tensor last_step(const Tensor& output) { return output.select(1, output.size(1) - 1); }

}  // namespace

int main() {
  const Tensor x = sequences();

  // ---- Keras -> PyTorch ----
  keras::utils::set_random_seed(0);
  keras::Sequential keras_model({keras::layers::LSTM(kUnits, {.input_shape = {kSteps, kFeatures}})});
  const auto w = keras_model.get_weights();  // kernel, recurrent_kernel, bias
  nn::LSTM torch_lstm(nn::LSTMOptions(kFeatures, kUnits).batch_first(true));
  {
    torch::NoGradGuard no_grad;
    auto p = torch_lstm->named_parameters();
    p["weight_ih_l0"].copy_(w[0].t());
    p["weight_hh_l0"].copy_(w[1].t());
    p["bias_ih_l0"].copy_(w[2]);
    p["bias_hh_l0"].zero_();
  }
  const float keras_to_torch =
      max_difference(keras_model.predict(x), last_step(std::get<0>(torch_lstm(x))));
  fmt::print("Keras -> PyTorch: max |difference| of the outputs {:.3g}\n", keras_to_torch);

  // ---- PyTorch -> Keras ----
  torch::manual_seed(1);
  nn::LSTM source(nn::LSTMOptions(kFeatures, kUnits).batch_first(true));
  auto p = source->named_parameters();
  keras::Sequential target({keras::layers::LSTM(kUnits, {.input_shape = {kSteps, kFeatures}})});
  target.set_weights({p["weight_ih_l0"].t().detach(), p["weight_hh_l0"].t().detach(),
                      (p["bias_ih_l0"] + p["bias_hh_l0"]).detach()});
  const float torch_to_keras = max_difference(last_step(std::get<0>(source(x))), target.predict(x));
  fmt::print("PyTorch -> Keras: max |difference| of the outputs {:.3g}\n", torch_to_keras);

  if (keras_to_torch > 1e-6f || torch_to_keras > 1e-6f) return 1;
  fmt::print("ported weights give identical outputs (to float32 rounding) both ways\n");
  return 0;
}
