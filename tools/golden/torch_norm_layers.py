"""torch_conv.py's normalisation and activation layers (experiment format v2, issue 15):
batch_norm -> BatchNorm1d (rank 2, or a 1-D signal) / BatchNorm2d (images), layer_norm ->
LayerNorm(C), activation -> the activation module. Each side keeps its framework's defaults
(PyTorch momentum 0.1, eps 1e-5) unless the layer's "torch" section says otherwise. Weights:
gamma, beta, moving_mean, moving_variance <-> weight, bias, running_mean, running_var. One-line
hook in torch_conv.build (torch_seq.build calls layer_norm); torch_conv.run predicts in eval() mode.

Keras' LayerNormalization(axis=-1) normalises each position over its channels. In torch_conv
every sample of rank >= 2 is channels-first (NCHW images, NCL signals), so LayerNorm(C) runs
between moves of the channel axis to the end and back, as PyTorch code ports it (ConvNeXt's
Block: x.permute(0, 2, 3, 1), LayerNorm, x.permute(0, 3, 1, 2)); batch-first sequences
(torch_seq) end in the channels already.
"""
import torch


class ChannelsLast(torch.nn.Module):
    """Runs `inner` with the channels (dim 1) moved to the last dim, and moves them back."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.movedim(1, -1)).movedim(-1, 1)


def layer_norm(layer, w, channels, channels_first):
    """The module for a layer_norm over `channels` and its reporter (Keras' gamma, beta)."""
    ln = torch.nn.LayerNorm(channels, eps=layer.get("torch", {}).get("eps", 1e-5))
    with torch.no_grad():
        ln.weight.copy_(torch.tensor(w["gamma"], dtype=torch.float32))
        ln.bias.copy_(torch.tensor(w["beta"], dtype=torch.float32))
    return (ChannelsLast(ln) if channels_first else ln), (lambda: {"gamma": ln.weight.detach().tolist(),
                                                                    "beta": ln.bias.detach().tolist()})

KINDS = {"batch_norm", "layer_norm", "activation"}


def add(b, kind, layer, w, shape, activations):
    """Appends the module for `layer` to b.mods and its reporter to b.reporters; False if `kind`
    is not one of these layers."""
    if kind not in KINDS:
        return False
    opts = layer.get("torch", {})
    f32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    if kind == "activation":
        b.mods.append(activations[layer["activation"]]())
        b.reporters.append(lambda: {})
        return True
    if kind == "layer_norm":
        mod, report = layer_norm(layer, w, shape[-1], channels_first=len(shape) >= 2)
        b.mods.append(mod)
        b.reporters.append(report)
        return True
    cls = torch.nn.BatchNorm2d if len(shape) == 3 else torch.nn.BatchNorm1d
    mod = cls(shape[-1], momentum=opts.get("momentum", 0.1), eps=opts.get("eps", 1e-5))
    with torch.no_grad():
        mod.running_mean.copy_(f32(w["moving_mean"]))
        mod.running_var.copy_(f32(w["moving_variance"]))
        mod.weight.copy_(f32(w["gamma"]))
        mod.bias.copy_(f32(w["beta"]))
    b.mods.append(mod)

    def report(mod=mod):
        return {"gamma": mod.weight.detach().tolist(), "beta": mod.bias.detach().tolist(),
                "moving_mean": mod.running_mean.tolist(), "moving_variance": mod.running_var.tolist()}
    b.reporters.append(report)
    return True
