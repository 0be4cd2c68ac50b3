/// @file
/// torch::data: libtorch's data pipeline (datasets, transforms, samplers, data loaders, MNIST).
///   auto dataset = torch::data::datasets::MNIST("./data")
///                      .map(torch::data::transforms::Normalize<>(0.1307, 0.3081))
///                      .map(torch::data::transforms::Stack<>());
///   auto loader = torch::data::make_data_loader(std::move(dataset), 64);
///   for (auto& batch : *loader) model->forward(batch.data) ... batch.target ...
#pragma once

#include "duet/torch/data/dataloader.h"
#include "duet/torch/data/datasets.h"
#include "duet/torch/data/example.h"
#include "duet/torch/data/mnist.h"
#include "duet/torch/data/samplers.h"
#include "duet/torch/data/transforms.h"
