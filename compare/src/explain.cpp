// Plain-words reasons for a gap between the two sides, read off their configurations.
#include <fmt/format.h>

#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"

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
  if (e.keras.loss == "binary_crossentropy" && e.torch.loss == "bce") {
    reasons.push_back("Binary cross-entropy guards: Keras clips probabilities to [1e-7, 1 - 1e-7]; PyTorch's BCELoss "
                      "clamps each log at -100. They differ only for predictions within 1e-7 of 0 or 1.");
  }
  explain_sequence_layers(e, reasons);
  if (!e.initial_weights) {
    reasons.push_back(
        "Initial weights: none are given, so each side draws its framework's defaults. Keras' Dense uses "
        "glorot_uniform for the kernel (U(+-sqrt(6/(fan_in+fan_out)))) and zeros for the bias; PyTorch's "
        "Linear uses kaiming_uniform(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in)), for the weight and U(+-1/sqrt(fan_in)) "
        "for the bias. Different starting points end at different places after a finite number of epochs; "
        "give \"initial_weights\" to start both from the same values.");
  }
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
  if (reasons.empty()) {
    reasons.push_back("The two sides are configured identically: same loss, reduction, optimiser, batches and "
                      "initial weights. Any remaining gap is float32 rounding in a different order of operations.");
  }
  return reasons;
}

}  // namespace duet::compare
