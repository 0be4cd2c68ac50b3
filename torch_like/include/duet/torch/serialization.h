/// @file
/// torch::save / torch::load in PyTorch's own checkpoint format: the zip archive torch.save
/// writes since PyTorch 1.6 (docs/file-format.md). Both of libtorch's forms and the state-dict
/// form work:
///   torch::save(model, "model.pt");   torch::load(model, "model.pt");   // model: holder or shared_ptr
///   torch::save(tensor, "t.pt");      torch::load(tensor, "t.pt");
///   torch::save(model->state_dict(), "model.pt");   model->load_state_dict(torch::load("model.pt"));
/// A file saved here loads in Python with `torch.load("model.pt")` (also `weights_only=True`),
/// and `torch.save(model.state_dict(), "model.pt")` from Python loads here. Unlike libtorch's
/// torch::save(module), which writes a TorchScript archive, saving a module writes its
/// state_dict, which is what Python code exchanges.
///
/// Loading reads the pickle inside with an allow-list (OrderedDict, the tensor rebuild
/// functions, the storage types): a file that names anything else is refused, naming it, and
/// nothing from a file is ever run. float64 storages are rounded to float32 (as `.float()`);
/// int64 storages (`num_batches_tracked`) load exactly while |v| <= 2^24; bool loads as bool.
/// Views (storage offsets, strides, storages shared by several tensors) are copied out. Files
/// in Duet's earlier own format (DUETTNSR) still load; nothing writes it any more.
///
/// Saving is atomic (temporary file, flush, rename). Every error names the file, the entry in the
/// archive and the problem; loading into a module changes nothing unless every name and shape fits.
#pragma once

#include <filesystem>
#include <memory>

#include "duet/core/tensor_file.h"
#include "duet/torch/nn/module.h"

namespace duet::torch {

using StateDict = tensor_file::NamedTensors;

/// Writes `state` as torch.save(state_dict) does: float32 tensors as FloatStorage, int64 as
/// LongStorage, bool as BoolStorage, each contiguous in its own storage.
void save(const StateDict& state, const std::filesystem::path& path);
/// The state_dict in a torch.save file (or a Duet DUETTNSR state file), in the file's order.
StateDict load(const std::filesystem::path& path);

/// A module's state_dict by dotted name.
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

/// One tensor, as torch.save(tensor): its values, shape and dtype. load replaces `tensor` with a
/// new leaf.
void save(const Tensor& tensor, const std::filesystem::path& path);
void load(Tensor& tensor, const std::filesystem::path& path);

/// The same on a file's bytes (what save writes and load reads), for tests and fuzzing;
/// `source` names the file in errors.
StateDict load_state_dict_bytes(const std::string& bytes, const std::string& source);
std::string save_state_dict_bytes(const StateDict& state, const std::string& archive_name = "archive");

}  // namespace duet::torch
