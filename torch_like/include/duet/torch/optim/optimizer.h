// torch.optim.Optimizer: parameter groups, zero_grad() and step().
#pragma once

#include <vector>

#include "duet/core/tensor.h"

namespace duet::torch::optim {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Zeroes the .grad of every parameter (PyTorch 1.13's default set_to_none=False).
  void zero_grad();
  // One update of every parameter that has a gradient; parameters without one are skipped.
  virtual void step() = 0;

 protected:
  // Derived constructors hand every parameter they update to the base, for zero_grad().
  void track(const std::vector<Tensor>& params) { params_.insert(params_.end(), params.begin(), params.end()); }

 private:
  std::vector<Tensor> params_;
};

}  // namespace duet::torch::optim
