/// @file
/// Duet's PyTorch-style API: one include for Module / forward / parameters, nn layers and losses
/// with `reduction`, and optimisers with zero_grad / step.
///
///   namespace nn = duet::torch::nn;
///   nn::Linear linear(1, 1);
///   nn::MSELoss criterion("sum");
///   duet::torch::optim::SGD optimizer(linear.parameters(), {.lr = 0.01f});
#pragma once

#include "duet/torch/nn/activation.h"
#include "duet/torch/nn/linear.h"
#include "duet/torch/nn/loss.h"
#include "duet/torch/nn/module.h"
#include "duet/torch/nn/sequential.h"
#include "duet/torch/optim/adagrad.h"
#include "duet/torch/optim/adam.h"
#include "duet/torch/optim/lr_scheduler.h"
#include "duet/torch/optim/rmsprop.h"
#include "duet/torch/optim/sgd.h"
#include "duet/torch/serialization.h"
#include "duet/torch/tensor.h"
#include "duet/torch/utils/data.h"
