"""torch_conv.py's normalisation and activation layers (experiment format v2, issue 15):
batch_norm -> BatchNorm1d (rank 2, or a 1-D signal) / BatchNorm2d (images), layer_norm ->
LayerNorm(last dim) after a dense layer, activation -> the activation module. Each side keeps its
framework's defaults (PyTorch momentum 0.1, eps 1e-5) unless the layer's "torch" section says
otherwise. Weights: gamma, beta, moving_mean, moving_variance <-> weight, bias, running_mean,
running_var. One-line hook in torch_conv.build; torch_conv.run predicts in eval() mode.
"""
import torch

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
    if kind == "batch_norm":
        cls = torch.nn.BatchNorm2d if len(shape) == 3 else torch.nn.BatchNorm1d
        mod = cls(shape[-1], momentum=opts.get("momentum", 0.1), eps=opts.get("eps", 1e-5))
        with torch.no_grad():
            mod.running_mean.copy_(f32(w["moving_mean"]))
            mod.running_var.copy_(f32(w["moving_variance"]))
    else:
        if len(shape) != 1:
            raise SystemExit("torch_norm_layers: layer_norm only after a dense layer here")
        mod = torch.nn.LayerNorm(shape[-1], eps=opts.get("eps", 1e-5))
    with torch.no_grad():
        mod.weight.copy_(f32(w["gamma"]))
        mod.bias.copy_(f32(w["beta"]))
    b.mods.append(mod)

    def report(mod=mod, kind=kind):
        r = {"gamma": mod.weight.detach().tolist(), "beta": mod.bias.detach().tolist()}
        if kind == "batch_norm":
            r.update(moving_mean=mod.running_mean.tolist(), moving_variance=mod.running_var.tolist())
        return r
    b.reporters.append(report)
    return True
