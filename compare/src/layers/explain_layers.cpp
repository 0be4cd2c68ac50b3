// The reasons a gap comes from the layers themselves (issue 15): batch norm's momentum
// conventions, epsilons and running variance, layer norm's epsilon, activation names whose
// defaults differ, and dropout, whose masks no setting can align.
#include <fmt/format.h>

#include <algorithm>

#include "duet/compare/experiment.h"
#include "duet/compare/report.h"
#include "layers/layer_kind.h"

namespace duet::compare {

void explain_layer_differences(const Experiment& e, std::vector<std::string>& reasons) {
  const std::int64_t rows = e.x.shape()[0];
  const auto torch_batch = std::min<std::int64_t>(e.torch_batch_size(), rows);
  bool leaky = false, dropout = false;
  for (std::size_t i = 0; i < e.layers.size(); ++i) {
    const LayerSpec& l = e.layers[i];
    if (l.type == "batch_norm") {
      const double km = l.keras_number("momentum"), tm = l.torch_number("momentum");
      const double ke = l.keras_number("epsilon"), te = l.torch_number("eps");
      reasons.push_back(fmt::format(
          "layers[{}] batch_norm, running statistics: Keras' momentum={:g} weighs the OLD moving value (moving = "
          "{:g} moving + {:g} batch), PyTorch's momentum={:g} the NEW batch value (running = {:g} running + {:g} "
          "batch){}. Training normalises with each batch's statistics on both sides; the inference-mode "
          "predictions use the running ones.",
          i, km, km, 1 - km, tm, 1 - tm, tm,
          std::abs((1 - km) - tm) < 1e-12 ? ": the same rule" : fmt::format(": PyTorch's follow the batches {:.3g}x "
                                                                              "faster", tm / std::max(1 - km, 1e-12))));
      reasons.push_back(fmt::format(
          "layers[{}] batch_norm, running variance: PyTorch averages the unbiased batch variance (divisor n - 1: "
          "{:.4g}x the biased one for batches of {} rows), Keras the biased one it normalised with.",
          i, static_cast<double>(torch_batch) / static_cast<double>(std::max<std::int64_t>(torch_batch - 1, 1)),
          torch_batch));
      if (ke != te) {
        reasons.push_back(fmt::format("layers[{}] batch_norm, epsilon: Keras {:g}, PyTorch {:g}, added to the variance "
                                      "under the square root.",
                                      i, ke, te));
      }
    } else if (l.type == "layer_norm") {
      if (l.keras_number("epsilon") != l.torch_number("eps")) {
        reasons.push_back(fmt::format("layers[{}] layer_norm, epsilon: Keras {:g}, PyTorch {:g}.", i,
                                      l.keras_number("epsilon"), l.torch_number("eps")));
      }
    } else if (l.type == "dropout") {
      dropout = true;
    }
    const auto it = l.shared.find("activation");
    if (it != l.shared.end() && l.text("activation") == "leaky_relu") leaky = true;
  }
  if (leaky) {
    reasons.push_back(
        "leaky_relu: each side uses its framework's default slope, Keras 3's activations.leaky_relu 0.2 (its "
        "LeakyReLU layer would be 0.3) and PyTorch's LeakyReLU 0.01; gelu (exact) and hard_sigmoid "
        "(relu6(x + 3) / 6) agree between Keras 3 and PyTorch.");
  }
  if (dropout) {
    reasons.push_back("Dropout: each side draws its masks from its own framework's random stream, so the trained "
                      "models differ and no setting removes that gap; predictions run without dropout on both.");
  }
}

}  // namespace duet::compare
