#include "duet/torch/nn/sequential.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::torch::nn {

Sequential::Sequential(std::vector<std::shared_ptr<Module>> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

Sequential& Sequential::push_back(std::shared_ptr<Module> module) {
  if (!module) throw Error("Sequential: cannot add a null module");
  register_module(std::to_string(size()), std::move(module));
  return *this;
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& [_, child] : named_children()) x = child->forward(x);
  return x;
}

Module& Sequential::operator[](std::size_t index) const {
  if (index >= size()) throw Error(fmt::format("Sequential: index {} is out of range for {} modules", index, size()));
  return *named_children()[index].second;
}

}  // namespace duet::torch::nn
