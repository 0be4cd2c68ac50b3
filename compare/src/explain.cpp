// Plain-words reasons for a gap between the two sides, read off their configurations.
#include <fmt/format.h>

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
  return false;
}

}  // namespace

std::vector<std::string> explain_differences(const Experiment& e) {
  std::vector<std::string> reasons;
  const std::int64_t rows = e.x.shape()[0];
  const int torch_batch = static_cast<int>(std::min<std::int64_t>(e.torch_batch_size(), rows));
  const std::int64_t outputs = e.y.shape()[1];

  if (!same_loss_function(e)) {
    reasons.push_back(fmt::format("Different loss functions: Keras '{}' vs PyTorch '{}'. They define different "
                                  "objectives, so the trained weights differ by design.",
                                  e.keras.loss, e.torch.loss));
  }
  if (e.torch.reduction == "sum") {
    const std::int64_t factor = torch_batch * outputs;
    reasons.push_back(fmt::format(
        "Loss reduction: Keras averages the loss over each batch; PyTorch's reduction='sum' adds it up over "
        "the {} values of a batch. The summed loss and its gradient are {}x larger, so every PyTorch SGD step is "
        "{}x longer: lr {:g} behaves like {:g}. Over {} epochs the longer steps get closer to the minimum, which "
        "looks like 'more accuracy' but is only a larger effective learning rate. With reduction='mean' (or Keras "
        "learning_rate {:g}) the two sides take the same steps.",
        factor, factor, factor, *e.torch.lr, *e.torch.lr * static_cast<float>(factor), e.epochs,
        e.keras.learning_rate * static_cast<float>(factor)));
  } else if (e.torch.loss == "smooth_l1" && e.torch.smooth_l1_beta != 1.0f) {
    reasons.push_back(fmt::format("SmoothL1Loss(beta={:g}) is Huber divided by beta: its gradient is {:g}x Keras' huber.",
                                  e.torch.smooth_l1_beta, 1.0f / e.torch.smooth_l1_beta));
  }
  if (e.keras.learning_rate != *e.torch.lr) {
    reasons.push_back(fmt::format("Learning rates differ: Keras learning_rate={:g}, PyTorch lr={:g}.",
                                  e.keras.learning_rate, *e.torch.lr));
  }
  if (e.keras.momentum != e.torch.momentum || e.keras.nesterov != e.torch.nesterov) {
    reasons.push_back(fmt::format("Momentum differs: Keras momentum={:g}{}, PyTorch momentum={:g}{}.", e.keras.momentum,
                                  e.keras.nesterov ? " (nesterov)" : "", e.torch.momentum,
                                  e.torch.nesterov ? " (nesterov)" : ""));
  }
  if (e.torch.dampening != 0 || e.torch.weight_decay != 0) {
    reasons.push_back(fmt::format("PyTorch applies dampening={:g} and weight_decay={:g}, which the Keras side does not.",
                                  e.torch.dampening, e.torch.weight_decay));
  }
  if (!e.initial_weights) {
    reasons.push_back(
        "Initial weights: none are given, so each side draws its framework's defaults. Keras' Dense uses "
        "glorot_uniform for the kernel (U(+-sqrt(6/(fan_in+fan_out)))) and zeros for the bias; PyTorch's "
        "Linear uses kaiming_uniform(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in)), for the weight and U(+-1/sqrt(fan_in)) "
        "for the bias. Different starting points end at different places after a finite number of epochs; "
        "give \"initial_weights\" to start both from the same values.");
  }
  const int keras_batch = static_cast<int>(std::min<std::int64_t>(e.keras_batch_size(), rows));
  if (keras_batch != torch_batch) {
    reasons.push_back(fmt::format("Batch sizes differ: Keras {} rows per step, PyTorch {} (Keras' fit() defaults to 32).",
                                  keras_batch, torch_batch));
  }
  if (e.keras_shuffle() != e.torch_shuffle() && (keras_batch < rows || torch_batch < rows)) {
    reasons.push_back(fmt::format("Batch order differs: Keras {} the rows each epoch, PyTorch {}.",
                                  e.keras_shuffle() ? "shuffles" : "keeps", e.torch_shuffle() ? "shuffles them" : "keeps them in order"));
  } else if (e.keras_shuffle() && keras_batch >= rows) {
    reasons.push_back("Keras shuffles (fit's default) but one batch holds every row, so only the order of the "
                      "float32 sums changes: a rounding-level effect.");
  }
  if (reasons.empty()) {
    reasons.push_back("The two sides are configured identically: same loss, reduction, optimiser, batches and "
                      "initial weights. Any remaining gap is float32 rounding in a different order of operations.");
  }
  return reasons;
}

}  // namespace duet::compare
