/// @file
/// Duet's PyTorch-style API: one include for tensors and their factories, Module / forward /
/// parameters, nn layers and losses with `reduction`, optimisers with zero_grad / step, save /
/// load and printing. Tutorial code written for libtorch's C++ frontend compiles after
///   \#include <duet/torch.h>
///   namespace torch = duet::torch;
/// in place of `\#include <torch/torch.h>`, where Duet covers the feature:
///   torch::nn::Linear linear(1, 1);
///   torch::nn::MSELoss criterion(torch::nn::MSELossOptions().reduction(torch::kSum));
///   torch::optim::SGD optimizer(linear->parameters(), {.lr = 0.01f});
#pragma once

#include "duet/torch/autograd.h"
#include "duet/torch/data.h"
#include "duet/torch/enum.h"
#include "duet/torch/functions.h"
#include "duet/torch/nn/activation.h"
#include "duet/torch/nn/conv.h"
#include "duet/torch/nn/conv_transpose.h"
#include "duet/torch/nn/embedding.h"
#include "duet/torch/nn/functional.h"
#include "duet/torch/nn/functional/basic.h"
#include "duet/torch/nn/kl_div_loss.h"
#include "duet/torch/nn/linear.h"
#include "duet/torch/nn/loss.h"
#include "duet/torch/nn/module.h"
#include "duet/torch/nn/normalization.h"
#include "duet/torch/nn/pooling.h"
#include "duet/torch/nn/rnn.h"
#include "duet/torch/nn/sequential.h"
#include "duet/torch/nn/utils/clip_grad.h"
#include "duet/torch/optim/adagrad.h"
#include "duet/torch/optim/adam.h"
#include "duet/torch/optim/lr_scheduler.h"
#include "duet/torch/optim/rmsprop.h"
#include "duet/torch/optim/serialize.h"
#include "duet/torch/optim/sgd.h"
#include "duet/torch/ordered_dict.h"
#include "duet/torch/print.h"
#include "duet/torch/serialization.h"
#include "duet/torch/tensor.h"
#include "duet/torch/utils/data.h"
#include "duet/torch/warning.h"
