/// @file
/// torch.nn.Sequential: children named "0", "1", ... applied in order.
#pragma once

#include <memory>
#include <vector>

#include "duet/torch/nn/module.h"

namespace duet::torch::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(std::vector<std::shared_ptr<Module>> modules);

  Sequential& push_back(std::shared_ptr<Module> module);
  Tensor forward(const Tensor& input) override;
  std::size_t size() const { return named_children().size(); }
  Module& operator[](std::size_t index) const;

  std::string type_name() const override { return "Sequential"; }
};

}  // namespace duet::torch::nn
