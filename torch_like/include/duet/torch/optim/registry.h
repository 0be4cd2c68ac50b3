/// @file
/// Every PyTorch-style optimiser described once (name, fields, PyTorch's checks, factory): the
/// comparator's experiment parser, its reports and the docs table come from this list, so adding
/// an optimiser or an option is one edit beside its options struct and one line here.
#pragma once

#include <memory>
#include <vector>

#include "duet/core/option_fields.h"
#include "duet/torch/optim/optimizer.h"

namespace duet::torch::optim {

using Descriptor = options::OptimizerDescriptor<std::unique_ptr<Optimizer>, std::vector<Tensor>>;

/// sgd, adam, adamw, rmsprop, adagrad.
const std::vector<Descriptor>& all();

}  // namespace duet::torch::optim
