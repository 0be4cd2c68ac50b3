// The PyTorch side of a comparison, written as a PyTorch user would write it: an
// nn.Sequential of each layer's modules (compare/src/layers/), a loss module, an optimiser, and
// the loop.
// PyTorch's CrossEntropyLoss and BCEWithLogitsLoss take logits, so a declared final softmax or
// sigmoid is folded into the loss for training and applied to the outputs for predictions.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>

#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "duet/compare/torch_losses.h"
#include "duet/core/error.h"
#include "duet/core/ops.h"
#include "duet/torch.h"
#include "layers/layer_kind.h"
#include "layouts.h"

namespace duet::compare {

namespace {

// Targets as CrossEntropyLoss wants them: class indices [N] from an index column or from
// one-hot rows; other probability rows stay as they are.
Tensor cross_entropy_targets(const Experiment& e) {
  const Tensor& y = e.y;
  const std::int64_t n = y.shape()[0], c = y.shape()[1];
  if (e.class_index_targets()) return reshape(y, Shape{n}).to(DType::int64);  // validated by the parser
  std::vector<float> indices;
  for (std::int64_t r = 0; r < n; ++r) {
    std::int64_t hot = -1, ones = 0;
    bool binary = true;
    for (std::int64_t k = 0; k < c; ++k) {
      const float v = y.at(r, k);
      if (v == 1.0f) hot = k, ++ones;
      else if (v != 0.0f) binary = false;
    }
    if (!binary || ones != 1) return y;  // probability targets
    indices.push_back(static_cast<float>(hot));
  }
  return Tensor::from_data(Shape{n}, indices).to(DType::int64);
}

}  // namespace

// The declared final activation that the PyTorch loss takes over, or "" when none is folded.
std::string folded_activation(const Experiment& e) {
  const std::string last = layer_kind(e.layers.back().type).final_activation(e.layers.back());
  if (e.torch.loss == "cross_entropy" && last == "softmax") return last;
  if (e.torch.loss == "bce_with_logits" && last == "sigmoid") return last;
  return "";
}

SideReport run_torch(const Experiment& e, const WeightObserver& observe) {
  namespace nn = torch::nn;
  torch::manual_seed(e.seed);
  const std::string folded = folded_activation(e);
  if (e.class_index_targets() && e.torch.loss != "cross_entropy") {
    throw Error("torch.loss: y holds class indices, which only cross_entropy takes");
  }
  nn::Sequential model;
  std::vector<TorchLayer> layers;
  bool channels_first_input = false;
  walk_layers(sample_shape(e.x), e.layers, !folded.empty(),
              [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
                if (ctx.first) channels_first_input = ctx.torch_channels_first;
                layers.push_back(torch_layer_in_layout(kind, spec, ctx));
                for (const auto& m : layers.back().modules) model->push_back(m);
              });
  if (e.initial_weights) {
    for (std::size_t i = 0; i < layers.size(); ++i) layers[i].load((*e.initial_weights)[i]);
  }
  // PyTorch's own layout: NCHW images, NCL signals (the experiment holds Keras' layout).
  const auto torch_layout = [&](const Tensor& t) { return channels_first_input ? channels_last_to_first(t) : t; };
  const auto criterion = make_torch_loss(e.torch);
  const std::vector<Tensor> parameters = model->parameters();
  const auto optimizer = make_torch_optimizer(e.torch.optimizer, parameters);
  // Stepped after each epoch, as in the usual loop (Keras' schedules advance per step instead).
  const auto scheduler = e.torch.scheduler ? make_torch_scheduler(*e.torch.scheduler, *optimizer) : nullptr;
  const Tensor targets = e.torch.loss == "cross_entropy" ? cross_entropy_targets(e) : e.y;

  const std::int64_t n = e.x.shape()[0];
  const std::int64_t batch = std::min<std::int64_t>(e.torch_batch_size(), n);
  const torch::utils::data::TensorDataset dataset(torch_layout(e.x), targets);
  const torch::utils::data::DataLoader loader(dataset, {.batch_size = batch, .shuffle = e.torch_shuffle()});
  const auto reported_weights = [&] {
    std::vector<NamedWeights> w;
    for (const auto& l : layers) w.push_back(l.report());
    return w;
  };
  if (observe) observe(0, reported_weights());
  SideReport report;
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < e.epochs; ++epoch) {
    double weighted = 0;
    for (const auto& [xb, yb] : loader) {
      Tensor loss = (*criterion)(model(xb), yb);
      optimizer->zero_grad();
      loss.backward();
      // The usual loop clips between backward and step (Keras clips inside its optimiser).
      if (e.torch.clip_grad_norm) torch::nn::utils::clip_grad_norm_(parameters, *e.torch.clip_grad_norm);
      if (e.torch.clip_grad_value) torch::nn::utils::clip_grad_value_(parameters, *e.torch.clip_grad_value);
      optimizer->step();
      weighted += static_cast<double>(loss.item()) * static_cast<double>(xb.shape()[0]);
    }
    report.loss_history.push_back(weighted / static_cast<double>(n));
    if (scheduler) scheduler->step();
    if (!std::isfinite(report.loss_history.back())) {
      throw Error(fmt::format("torch: the loss became {} in epoch {}: training diverged (is the learning rate of {:g} "
                              "too high?)",
                              report.loss_history.back(), epoch + 1, optimizer->lr(0)));
    }
    if (observe) observe(epoch + 1, reported_weights());
  }
  report.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  {
    torch::NoGradGuard no_grad;
    model->eval();
    Tensor out = model(torch_layout(e.predict));
    if (folded == "softmax") out = softmax(out, -1);
    if (folded == "sigmoid") out = sigmoid(out);
    report.predictions = out.to_rows();
  }
  report.weights = reported_weights();
  return report;
}

namespace {

// A prediction that overflowed float32 (or became NaN) is not a result: JSON would have to write
// it as null and a reader would take the run for a success. It stops the run with an error.
void require_finite_predictions(const SideReport& s, const char* side) {
  for (std::size_t i = 0; i < s.predictions.size(); ++i)
    for (std::size_t k = 0; k < s.predictions[i].size(); ++k)
      if (!std::isfinite(s.predictions[i][k])) {
        throw Error(fmt::format("the {} model predicts {} for predict[{}] (output {}): the value overflows float32 "
                                "(check the scale of predict and of the data)",
                                side, s.predictions[i][k], i, k));
      }
}

}  // namespace

Report run(const Experiment& e, const RunHooks& hooks) {
  Report r{e.name, run_keras(e, hooks.keras), run_torch(e, hooks.torch)};
  require_finite_predictions(r.keras, "Keras-style");
  require_finite_predictions(r.torch, "PyTorch-style");
  return r;
}

}  // namespace duet::compare
