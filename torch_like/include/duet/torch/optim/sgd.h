// torch.optim.SGD with PyTorch's update rule (torch/optim/sgd.py) and defaults.
#pragma once

#include <limits>
#include <unordered_map>
#include <vector>

#include "duet/core/optim.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

struct SGDOptions {
  float lr = std::numeric_limits<float>::quiet_NaN();  // required, as in PyTorch
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
};

// A parameter group: parameters with their own options (e.g. a different lr).
struct SGDParamGroup {
  std::vector<Tensor> params;
  SGDOptions options;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions options);
  explicit SGD(std::vector<SGDParamGroup> groups);

  void step() override;
  std::vector<SGDParamGroup>& param_groups() { return groups_; }

 private:
  std::vector<SGDParamGroup> groups_;
  std::unordered_map<const void*, duet::optim::SgdState> state_;  // keyed by parameter
};

}  // namespace duet::torch::optim
