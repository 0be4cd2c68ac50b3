#include "duet/torch/nn/sequential.h"

#include <fmt/format.h>

#include "duet/core/error.h"

namespace duet::torch::nn {

SequentialImpl::SequentialImpl(std::vector<std::shared_ptr<Module>> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

void SequentialImpl::require_module(bool present) const {
  if (!present) throw Error("Sequential: cannot add a null module");
}

void SequentialImpl::require_type(bool matches, std::size_t index) const {
  if (!matches) throw Error(fmt::format("Sequential: module {} is a {}, not of the requested type", index, (*this)[index]->type_name()));
}

void SequentialImpl::add(std::shared_ptr<Module> module, std::function<Tensor(const Tensor&)> forward) {
  register_module(std::to_string(size()), module);
  modules_.push_back(std::move(module));
  forwards_.push_back(std::move(forward));
}

Tensor SequentialImpl::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& f : forwards_) x = f(x);
  return x;
}

std::shared_ptr<Module> SequentialImpl::ptr(std::size_t index) const {
  if (index >= size()) throw Error(fmt::format("Sequential: index {} is out of range for {} modules", index, size()));
  return modules_[index];
}

}  // namespace duet::torch::nn
