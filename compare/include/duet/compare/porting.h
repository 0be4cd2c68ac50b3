/// @file
/// Porting trained weights between the two styles: a Keras-style model's weights into a
/// Torch-style model of the same architecture, and back, applying each layer's layout rule.
/// The rules are the comparator's layer kinds' own (the ones its runs and `--weights` use):
/// Dense's kernel [in, out] is Linear's weight [out, in] transposed, with its rows in PyTorch's
/// CHW order after a Flatten of an image or signal; Conv1D / Conv2D kernels [(kh,) kw, in, out]
/// are Conv1d / Conv2d weights [out, in, (kh,) kw]; SimpleRNN / LSTM / GRU kernels are
/// transposed with the gate blocks reordered (GRU: z, r, h against r, z, n) and the bias split
/// into bias_ih and bias_hh (a GRU's two rows; otherwise bias_hh = 0, and back the sum);
/// BatchNormalization's gamma, beta, moving_mean, moving_variance are weight, bias,
/// running_mean, running_var; LayerNormalization and Embedding rename only.
/// Layers are matched in order: the Keras layers that have weights against the PyTorch modules
/// that have state of their own (parameters and buffers), depth first; layers without weights
/// (activations, pooling, flatten, dropout) are skipped on both sides. Nothing changes unless
/// every layer fits; the error names the first that does not. Round trips are exact (the rules
/// only move values; an LSTM's two PyTorch biases come back as their sum).
#pragma once

#include <filesystem>

#include "duet/compare/experiment.h"
#include "duet/keras.h"
#include "duet/torch.h"

namespace duet::compare {

/// Copies every weight of `from` (built) into `to`, converting each layer's layout.
void port_weights(const keras::Sequential& from, torch::nn::Module& to);
/// Copies every parameter and buffer of `from` into `to`'s weights (`to` built).
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
