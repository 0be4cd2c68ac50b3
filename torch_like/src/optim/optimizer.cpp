#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

void Optimizer::zero_grad() {
  for (auto& p : params_) p.zero_grad();
}

}  // namespace duet::torch::optim
