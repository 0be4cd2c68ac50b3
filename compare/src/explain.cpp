// Plain-words reasons for a gap between the two sides, read off their configurations.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "layers/layer_kind.h"

namespace duet::compare {

namespace {

bool same_loss_function(const Experiment& e) {
  const std::string& k = e.keras.loss;
  const std::string& t = e.torch.loss;
  if ((k == "mean_squared_error" || k == "mse") && t == "mse") return true;
  if ((k == "mean_absolute_error" || k == "mae") && t == "l1") return true;
  if (k == "huber" && t == "huber") return e.keras.huber_delta == e.torch.huber_delta;
  if (k == "huber" && t == "smooth_l1") return e.torch.smooth_l1_beta == 1.0f && e.keras.huber_delta == 1.0f;
  if (k == "binary_crossentropy") return t == "bce" || t == "bce_with_logits";
  if (k == "categorical_crossentropy" || k == "sparse_categorical_crossentropy") return t == "cross_entropy";
  return false;
}

// How many values one summed batch loss adds up: rows, times outputs for elementwise losses.
std::int64_t sum_factor(const Experiment& e, std::int64_t batch) {
  const bool per_row = e.torch.loss == "cross_entropy";
  return batch * (per_row ? 1 : e.y.shape()[1]);
}

// The sequence layers' differences (docs/framework-differences.md, "recurrent ..." rows).
void explain_sequence_layers(const Experiment& e, std::vector<std::string>& reasons) {
  bool two_biases = false, recurrent = false, embedding = false;
  for (const auto& layer : e.layers) {
    if (layer.type == "simple_rnn" || layer.type == "lstm") two_biases = two_biases || layer.flag("use_bias");
    recurrent = recurrent || layer.type == "simple_rnn" || layer.type == "lstm" || layer.type == "gru";
    embedding = embedding || layer.type == "embedding";
  }
  if (two_biases) {
    reasons.push_back(
        "Recurrent biases: Keras' SimpleRNN and LSTM keep one bias per gate block, PyTorch's RNN and LSTM two "
        "(bias_ih and bias_hh; the initial Keras bias goes into bias_ih, bias_hh starts at 0, and the reported bias "
        "is their sum). Both PyTorch biases receive the bias gradient, so under SGD the summed bias moves twice as "
        "far per step as Keras' bias. (A GRU with reset_after keeps two bias rows in Keras too: no difference.)");
  }
  if (!e.initial_weights && recurrent) {
    reasons.push_back(
        "Recurrent initial weights: Keras draws kernels from glorot_uniform, recurrent kernels orthogonal (QR of a "
        "normal matrix, columns times the sign of R's diagonal) and zero biases with the LSTM forget block at 1 "
        "(unit_forget_bias); PyTorch draws every weight and both biases from U(+-1/sqrt(units)).");
  }
  if (!e.initial_weights && embedding) {
    reasons.push_back("Embedding initial weights: Keras U(-0.05, 0.05), PyTorch N(0, 1): tables about 30x larger "
                      "on the PyTorch side.");
  }
}

std::string torch_scheduler_text(const TorchSchedulerConfig& s) {
  if (s.name == "step_lr") return fmt::format("StepLR(step_size={}, gamma={:g})", s.step_size, s.gamma);
  if (s.name == "multistep_lr") return fmt::format("MultiStepLR(milestones=[{}], gamma={:g})", fmt::join(s.milestones, ", "), s.gamma);
  return fmt::format("ExponentialLR(gamma={:g})", s.gamma);
}

// Schedules, weight decay and clipping: where each framework puts them.
void explain_knobs(const Experiment& e, const OptimizerSettings& ko, const OptimizerSettings& to,
                   std::int64_t keras_batch, std::vector<std::string>& reasons) {
  const std::int64_t rows = e.x.shape()[0];
  const std::int64_t keras_steps = (rows + keras_batch - 1) / keras_batch;
  if (!ko.schedule.empty() || e.torch.scheduler) {
    const std::string keras = ko.schedule.empty() ? "a constant learning rate"
                                                  : fmt::format("{}, evaluated at every optimiser step ({} per epoch)",
                                                                ko.schedule, keras_steps);
    const std::string torch = e.torch.scheduler ? fmt::format("{}, stepped once after each epoch",
                                                              torch_scheduler_text(*e.torch.scheduler))
                                                : "a constant learning rate";
    reasons.push_back(fmt::format("Learning-rate schedules: Keras uses {}; PyTorch uses {}. Keras' schedule moves "
                                  "within an epoch, PyTorch's rate only between epochs, so even equal formulas give "
                                  "different rates at most steps.",
                                  keras, torch));
  }
  const float torch_decoupled = to.decoupled_weight_decay;
  if (ko.decoupled_weight_decay != 0 || to.weight_decay != 0 || torch_decoupled != 0) {
    std::string torch;
    if (to.weight_decay != 0) {
      torch = fmt::format("weight_decay={:g} coupled: wd * p is added to the gradient{}", to.weight_decay,
                          to.name == "sgd" ? "" : ", so it passes through the optimiser's moments and is rescaled by them");
    } else if (torch_decoupled != 0) {
      torch = fmt::format("AdamW's weight_decay={:g} decoupled (p *= 1 - lr wd, before the update)", torch_decoupled);
    } else {
      torch = "no weight decay";
    }
    const std::string keras = ko.decoupled_weight_decay != 0
                                  ? fmt::format("weight_decay={:g} decoupled (v -= v * wd * lr before the update, Keras 3)",
                                                ko.decoupled_weight_decay)
                                  : "no weight decay";
    if (!(ko.decoupled_weight_decay == torch_decoupled && to.weight_decay == 0)) {
      reasons.push_back(fmt::format("Weight decay: Keras applies {}; PyTorch applies {}.", keras, torch));
    }
  }
  const bool keras_clips = ko.clipnorm > 0 || ko.global_clipnorm > 0 || ko.clipvalue > 0;
  if (keras_clips || e.torch.clip_grad_norm || e.torch.clip_grad_value) {
    std::string keras = "no clipping";
    if (ko.clipnorm > 0) keras = fmt::format("clipnorm={:g}, each variable's gradient on its own, inside the optimiser", ko.clipnorm);
    if (ko.global_clipnorm > 0) keras = fmt::format("global_clipnorm={:g} over all gradients, inside the optimiser", ko.global_clipnorm);
    if (ko.clipvalue > 0) keras = fmt::format("clipvalue={:g} on each value, inside the optimiser", ko.clipvalue);
    std::string torch = "no clipping";
    if (e.torch.clip_grad_norm) {
      torch = fmt::format("clip_grad_norm_(max_norm={:g}) over all gradients together, between backward and step, "
                          "dividing by norm + 1e-6",
                          *e.torch.clip_grad_norm);
    }
    if (e.torch.clip_grad_value) {
      torch += fmt::format("{}clip_grad_value_({:g})", e.torch.clip_grad_norm ? " and " : "", *e.torch.clip_grad_value);
      if (!e.torch.clip_grad_norm) torch.erase(0, std::string("no clipping").size());
    }
    reasons.push_back(fmt::format("Gradient clipping: Keras uses {}; PyTorch uses {}.", keras, torch));
  }
}

// Label smoothing and class weights: where each framework puts them and what it divides by.
void explain_loss_knobs(const Experiment& e, std::vector<std::string>& reasons) {
  const auto& k = e.keras;
  const auto& t = e.torch;
  if (k.label_smoothing > 0 || t.label_smoothing > 0) {
    const std::string keras =
        k.label_smoothing == 0 ? "none"
        : k.loss == "binary_crossentropy"
            ? fmt::format("label_smoothing={:g} on binary targets, towards 0.5: y (1 - ls) + 0.5 ls", k.label_smoothing)
            : fmt::format("label_smoothing={:g} on one-hot targets, towards 1/C: y (1 - ls) + ls / C", k.label_smoothing);
    const std::string torch =
        t.label_smoothing == 0 ? "none"
                               : fmt::format("label_smoothing={:g}: (1 - ls) times the class-index loss plus ls / C "
                                             "times the mean over classes of -log p{}",
                                             t.label_smoothing, t.weight.empty() ? "" : ", each class weighted");
    reasons.push_back(fmt::format("Label smoothing: Keras uses {}; PyTorch uses {}.{}", keras, torch,
                                  k.loss == "binary_crossentropy" && t.label_smoothing == 0 && k.label_smoothing > 0
                                      ? " PyTorch's BCE losses have no label smoothing."
                                      : ""));
  }
  if (!k.class_weight.empty() || !t.weight.empty() || !t.pos_weight.empty()) {
    std::string keras = "no class weights";
    if (!k.class_weight.empty()) {
      std::string pairs;
      for (const auto& [c, w] : k.class_weight) pairs += fmt::format("{}{}: {:g}", pairs.empty() ? "" : ", ", c, w);
      keras = fmt::format("class_weight {{{}}}: each sample's loss times its class's weight, the batch loss divided by "
                          "the batch size",
                          pairs);
    }
    std::string torch = "no class weights";
    if (!t.weight.empty()) {
      torch = t.loss == "cross_entropy"
                  ? fmt::format("CrossEntropyLoss(weight=[{}]): the mean divides by the sum of the weights of the "
                                "batch's classes",
                                fmt::join(t.weight, ", "))
                  : fmt::format("weight=[{}] per output column, the mean still over every element", fmt::join(t.weight, ", "));
    }
    if (!t.pos_weight.empty()) {
      torch += fmt::format("{}pos_weight=[{}] on the positive term", t.weight.empty() ? "BCEWithLogitsLoss(" : "; ",
                           fmt::join(t.pos_weight, ", "));
      if (t.weight.empty()) torch += ")";
    }
    reasons.push_back(fmt::format("Class weights: Keras uses {}; PyTorch uses {}. Equal weights on both sides still "
                                  "give different steps unless every batch's weights average to 1.",
                                  keras, torch));
  }
}

}  // namespace

std::vector<std::string> explain_differences(const Experiment& e) {
  std::vector<std::string> reasons;
  const std::int64_t rows = e.x.shape()[0];
  const auto torch_batch = std::min<std::int64_t>(e.torch_batch_size(), rows);
  const auto keras_batch = std::min<std::int64_t>(e.keras_batch_size(), rows);
  const OptimizerSettings ko = keras_settings(e.keras.optimizer), to = torch_settings(e.torch.optimizer);

  if (!same_loss_function(e)) {
    reasons.push_back(fmt::format("Different loss functions: Keras '{}' vs PyTorch '{}'. They define different "
                                  "objectives, so the trained weights differ by design.",
                                  e.keras.loss, e.torch.loss));
  }
  if (e.torch.reduction == "sum") {
    const std::int64_t factor = sum_factor(e, torch_batch);
    const bool sgd = to.name == "sgd";
    reasons.push_back(fmt::format(
        "Loss reduction: Keras averages the loss over each batch; PyTorch's reduction='sum' adds it up over the {} "
        "values of a batch. The summed loss and its gradient are {}x larger{}",
        factor, factor,
        sgd ? fmt::format(", so every PyTorch SGD step is {}x longer: lr {:g} behaves like {:g}. Over {} epochs the "
                          "longer steps get closer to the minimum, which looks like 'more accuracy' but is only a "
                          "larger effective learning rate. With reduction='mean' (or Keras learning_rate {:g}) the "
                          "two sides take the same steps.",
                          factor, to.learning_rate, to.learning_rate * static_cast<float>(factor), e.epochs,
                          ko.learning_rate * static_cast<float>(factor))
            : fmt::format(". {} normalises the gradient's scale away, so the steps change far less than with SGD, "
                          "but epsilon now weighs {}x less against it.",
                          to.name, factor)));
  } else if (e.torch.loss == "smooth_l1" && e.torch.smooth_l1_beta != 1.0f) {
    reasons.push_back(fmt::format("SmoothL1Loss(beta={:g}) is Huber divided by beta: its gradient is {:g}x Keras' huber.",
                                  e.torch.smooth_l1_beta, 1.0f / e.torch.smooth_l1_beta));
  }
  if (ko.name != to.name) {
    reasons.push_back(fmt::format("Different optimisers: Keras {} vs PyTorch {}.", ko.text, to.text));
  } else {
    if (ko.learning_rate != to.learning_rate) {
      reasons.push_back(fmt::format("Learning rates differ: Keras learning_rate={:g}, PyTorch lr={:g}{}.", ko.learning_rate,
                                    to.learning_rate, options::find(e.keras.optimizer.given, "learning_rate") ? "" : " (Keras' default)"));
    }
    if (ko.momentum != to.momentum || ko.nesterov != to.nesterov) {
      reasons.push_back(fmt::format("Momentum differs: Keras momentum={:g}{}, PyTorch momentum={:g}{}.", ko.momentum,
                                    ko.nesterov ? " (nesterov)" : "", to.momentum, to.nesterov ? " (nesterov)" : ""));
    }
    if (to.dampening != 0 || to.weight_decay != 0) {
      reasons.push_back(fmt::format("PyTorch applies dampening={:g} and weight_decay={:g}, which the Keras side has no "
                                    "counterpart for here.",
                                    to.dampening, to.weight_decay));
    }
    if (to.lr_decay != 0) {
      reasons.push_back(fmt::format("PyTorch's Adagrad decays its learning rate (lr_decay={:g}: lr / (1 + (t - 1) "
                                    "lr_decay) at step t); Keras' Adagrad has no such option.",
                                    to.lr_decay));
    }
    if (to.name == "adam") {
      reasons.push_back(fmt::format(
          "Adam's epsilon: Keras uses epsilon={:g} and adds it to sqrt(v) before bias correction ('epsilon hat'); "
          "PyTorch uses eps={:g} and adds it to the bias-corrected sqrt(v_hat). Early steps, where 1 - beta_2^t is "
          "small, differ most.",
          ko.epsilon, to.epsilon));
    }
    if (to.name == "rmsprop") {
      reasons.push_back(fmt::format("RMSprop: Keras divides by sqrt(v + {:g}) with rho={:g}; PyTorch by sqrt(v) + {:g} with "
                                    "alpha={:g}.",
                                    ko.epsilon, ko.rho, to.epsilon, to.rho));
    }
    if (to.name == "adagrad") {
      reasons.push_back(fmt::format("Adagrad: Keras starts its accumulator at {:g} and divides by sqrt(s + {:g}); PyTorch "
                                    "starts at {:g} and divides by sqrt(s) + {:g}. Keras' first steps are much smaller.",
                                    ko.initial_accumulator, ko.epsilon, to.initial_accumulator, to.epsilon));
    }
  }
  explain_knobs(e, ko, to, keras_batch, reasons);
  explain_loss_knobs(e, reasons);
  if (e.keras.loss == "binary_crossentropy" && e.torch.loss == "bce") {
    reasons.push_back("Binary cross-entropy guards: Keras clips probabilities to [1e-7, 1 - 1e-7]; PyTorch's BCELoss "
                      "clamps each log at -100. They differ only for predictions within 1e-7 of 0 or 1.");
  }
  explain_sequence_layers(e, reasons);
  explain_initialisers(e, reasons);  // layers/explain_layouts.cpp
  if (keras_batch != torch_batch) {
    reasons.push_back(fmt::format("Batch sizes differ: Keras {} rows per step, PyTorch {}{}.", keras_batch, torch_batch,
                                  e.batch_size || e.keras.batch_size ? "" : " (Keras' fit() defaults to 32)"));
  }
  if (e.keras_shuffle() != e.torch_shuffle() && (keras_batch < rows || torch_batch < rows)) {
    reasons.push_back(fmt::format("Batch order differs: Keras {} the rows each epoch, PyTorch {}.",
                                  e.keras_shuffle() ? "shuffles" : "keeps",
                                  e.torch_shuffle() ? "shuffles them" : "keeps them in order"));
  } else if (e.keras_shuffle() && keras_batch >= rows) {
    reasons.push_back("Keras shuffles (fit's default) but one batch holds every row, so only the order of the "
                      "float32 sums changes: a rounding-level effect.");
  } else if (e.keras_shuffle() && e.torch_shuffle()) {
    reasons.push_back("Both sides shuffle, each with its own generator, so their batches differ epoch by epoch.");
  }
  explain_layouts(e, reasons);            // flatten order, kernel layout, measured (layers/explain_layouts.cpp)
  explain_layer_differences(e, reasons);  // batch_norm, layer_norm, activations, dropout (layers/explain_layers.cpp)
  if (reasons.empty()) {
    reasons.push_back("The two sides are configured identically: same loss, reduction, optimiser, batches and "
                      "initial weights. Any remaining gap is float32 rounding in a different order of operations.");
  }
  return reasons;
}

}  // namespace duet::compare
