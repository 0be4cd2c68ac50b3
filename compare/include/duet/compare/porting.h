/// @file
/// Porting trained weights between the two styles: a Keras-style model's weights into a
/// Torch-style model of the same architecture, and back, applying each layer kind's layout rule
/// (Dense's kernel [in, out] is Linear's weight [out, in] transposed; convolution, batch norm and
/// recurrent layers add theirs through register_weight_layout). Layers are matched in order: the
/// Keras layers that have weights against the PyTorch modules that have state (parameters and
/// buffers), depth first; layers without weights (activations, dropout) are skipped on both
/// sides. Nothing changes unless every layer fits; the error names the first that does not.
/// Round trips are exact (the rules only move values).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "duet/compare/experiment.h"
#include "duet/keras.h"
#include "duet/torch.h"

namespace duet::compare {

/// How one Keras layer kind's variables map to one PyTorch module kind's state_dict entries.
struct WeightLayout {
  std::string keras_class;  ///< Keras class name, as Layer::class_name(): "Dense"
  std::string torch_type;   ///< PyTorch module type, as Module::type_name(): "Linear"
  /// Keras variables (Layer::weights() order) -> the module's state_dict entries by local name
  /// ("weight", "bias"). Entries left out keep the module's values (e.g. num_batches_tracked).
  std::function<torch::StateDict(const keras::layers::Layer& layer, const std::vector<Tensor>& keras)> to_torch;
  /// The module's state_dict entries (local names) -> Keras variables in Layer::weights() order.
  /// Throws duet::Error naming a missing entry.
  std::function<std::vector<Tensor>(const keras::layers::Layer& layer, const torch::StateDict& torch)> to_keras;
};

/// Adds (or replaces) the layout of `layout.keras_class`. Dense <-> Linear is built in.
void register_weight_layout(WeightLayout layout);

/// Copies every weight of `from` into `to`, converting each layer's layout.
void port_weights(const keras::Sequential& from, torch::nn::Module& to);
/// Copies every parameter and buffer of `from` into `to`'s weights.
void port_weights(const torch::nn::Module& from, keras::Sequential& to);
/// Copies a state_dict (torch::load's result, or a real PyTorch model's) into `to`: its entries
/// are grouped by module (the name up to the last '.': "0.weight", "0.bias" -> module "0"), in
/// order, and matched to `to`'s layers that have weights. Module names are not checked, so a
/// Sequential with activations between ("0", "2") and a custom module ("fc1", "fc2") both fit.
void port_weights(const torch::StateDict& from, keras::Sequential& to);

/// `experiment` starting both sides from a trained model's weights (duet-compare --weights):
/// a PyTorch state_dict file (torch.save's, or Duet's) or a Keras weight file (".weights.h5",
/// legacy ".h5" / ".hdf5"), ported into the experiment's layers. The error names the file and
/// the first layer that does not fit.
Experiment with_weights_file(Experiment experiment, const std::filesystem::path& path);

}  // namespace duet::compare
