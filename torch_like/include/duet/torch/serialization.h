/// @file
/// torch::save / torch::load, in Duet's tensor file format (docs/file-format.md). Both of
/// libtorch's forms and the state-dict form work:
///   torch::save(model, "model.pt");   torch::load(model, "model.pt");   // model: holder or shared_ptr
///   torch::save(tensor, "t.pt");      torch::load(tensor, "t.pt");
///   torch::save(model->state_dict(), "model.pt");   model->load_state_dict(torch::load("model.pt"));
/// Saving is atomic (temporary file, flush, rename); loading checks the magic number, version,
/// kind and checksum and names what is wrong. The files are Duet's own: libtorch's archives
/// cannot be read, nor Duet's by libtorch.
#pragma once

#include <filesystem>
#include <memory>

#include "duet/core/tensor_file.h"
#include "duet/torch/nn/module.h"

namespace duet::torch {

using StateDict = tensor_file::NamedTensors;

void save(const StateDict& state, const std::filesystem::path& path);
StateDict load(const std::filesystem::path& path);

/// A module's parameters by dotted name (its state_dict).
void save(const nn::Module& module, const std::filesystem::path& path);
/// Loads parameters saved from a module of the same structure; every name and shape is checked
/// before anything changes (Module::load_state_dict with strict names).
void load(nn::Module& module, const std::filesystem::path& path);
template <typename M>
  requires std::derived_from<M, nn::Module>
void save(const std::shared_ptr<M>& module, const std::filesystem::path& path) {
  save(static_cast<const nn::Module&>(*module), path);
}
template <typename M>
  requires std::derived_from<M, nn::Module>
void load(const std::shared_ptr<M>& module, const std::filesystem::path& path) {
  load(static_cast<nn::Module&>(*module), path);
}
template <typename M>
void save(const nn::ModuleHolder<M>& module, const std::filesystem::path& path) {
  save(static_cast<const nn::Module&>(*module.ptr()), path);
}
template <typename M>
void load(nn::ModuleHolder<M>& module, const std::filesystem::path& path) {
  load(static_cast<nn::Module&>(*module.ptr()), path);
}

/// One tensor: its values, shape and dtype. load replaces `tensor` with a new leaf.
void save(const Tensor& tensor, const std::filesystem::path& path);
void load(Tensor& tensor, const std::filesystem::path& path);

}  // namespace duet::torch
