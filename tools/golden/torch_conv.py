"""gen_torch.py's convolutional models (experiment format v2): conv1d / conv2d, 1-D and 2-D max and
average pooling, global pooling, flatten, dense, as duet-compare's PyTorch side builds them.

- x arrives in Keras' layout; images go to NCHW, 1-D signals (first layer conv1d or a 1-D pool) to NCL.
- Kernels come in Keras' layout: conv2d [kh][kw][in][out] -> weight [out][in][kh][kw]; conv1d
  [k][in][out] -> [out][in][k]; dense [in][out] -> weight [out][in], and a dense layer after a
  flatten of an image or signal has its kernel rows permuted from Keras' HWC order to PyTorch's
  CHW order (and back when reported).
- 'same' padding: PyTorch's padding='same' (stride 1 only); 'same' with a stride > 1 and 'same'
  pooling have no PyTorch equivalent and are refused, as duet-compare refuses them.
"""
import torch

import torch_norm_layers
from common import train_in_order

ACTIVATIONS = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
               "softmax": lambda: torch.nn.Softmax(dim=-1)}
SPATIAL = {"conv1d", "max_pool1d", "avg_pool1d", "global_avg_pool1d"}


class Unsupported(Exception):
    """A layer PyTorch cannot express; its golden records the error instead of numbers."""


def handles(e):
    """Whether the experiment has any layer besides dense (v1 files are left to gen_torch.py), or a dense layer without bias."""
    return any(l.get("type", "dense") != "dense" or not l.get("use_bias", True) for l in e["layers"])


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def keras_shape(e):
    return list(torch.tensor(e["data"]["x"]).shape[1:])


def to_torch_layout(x, e):
    if x.dim() == 4:
        return x.permute(0, 3, 1, 2).contiguous()
    if x.dim() == 3 and e["layers"][0].get("type", "dense") in SPATIAL:
        return x.permute(0, 2, 1).contiguous()
    return x


def flatten_permutation(shape):
    """perm[torch_index] = keras_index for a flatten of a Keras shape (H, W, C) or (L, C)."""
    if len(shape) == 3:
        h, w, c = shape
        return [(i * w + j) * c + k for k in range(c) for i in range(h) for j in range(w)]
    if len(shape) == 2:
        l, c = shape
        return [i * c + k for k in range(c) for i in range(l)]
    return list(range(shape[0]))


def out_len(n, k, s, padding):
    return -(-n // s) if padding == "same" else (n - k) // s + 1


class Built:
    def __init__(self):
        self.mods = []
        self.reporters = []  # per layer: () -> dict of Keras-layout weights


def build(e, fold):
    """The nn.Sequential and, per layer, a function reporting its weights in Keras' layout."""
    b = Built()
    shape = keras_shape(e)
    flattened_from = None
    for i, layer in enumerate(e["layers"]):
        kind = layer.get("type", "dense")
        w = e["initial_weights"][i]
        act = layer.get("activation", "linear")
        last = i == len(e["layers"]) - 1
        if kind in ("conv1d", "conv2d"):
            two_d = kind == "conv2d"
            k = pair(layer["kernel_size"]) if two_d else (layer["kernel_size"],)
            s = pair(layer.get("strides", 1)) if two_d else (layer.get("strides", 1),)
            padding = layer.get("padding", "valid")
            if padding == "same" and any(v != 1 for v in s):
                raise Unsupported("PyTorch does not support padding='same' for strided convolutions")
            cls = torch.nn.Conv2d if two_d else torch.nn.Conv1d
            conv = cls(shape[-1], layer["filters"], k, stride=s, padding=padding, bias=layer.get("use_bias", True))
            perm = (3, 2, 0, 1) if two_d else (2, 1, 0)
            back = (2, 3, 1, 0) if two_d else (2, 1, 0)
            with torch.no_grad():
                conv.weight.copy_(torch.tensor(w["kernel"], dtype=torch.float32).permute(*perm))
                if conv.bias is not None:
                    conv.bias.copy_(torch.tensor(w["bias"], dtype=torch.float32))
            b.mods.append(conv)

            def report(conv=conv, back=back):
                r = {"kernel": conv.weight.detach().permute(*back).tolist()}
                if conv.bias is not None:
                    r["bias"] = conv.bias.detach().tolist()
                return r
            b.reporters.append(report)
            spatial = [out_len(n, kk, ss, padding) for n, kk, ss in zip(shape[:-1], k, s)]
            shape = spatial + [layer["filters"]]
        elif kind in ("max_pool1d", "avg_pool1d", "max_pool2d", "avg_pool2d"):
            two_d = kind.endswith("2d")
            p = pair(layer["pool_size"]) if two_d else (layer["pool_size"],)
            s = layer.get("strides", layer["pool_size"])
            s = pair(s) if two_d else (s,)
            if layer.get("padding", "valid") != "valid":
                raise Unsupported("PyTorch's pooling has no 'same' padding")
            cls = {"max_pool1d": torch.nn.MaxPool1d, "avg_pool1d": torch.nn.AvgPool1d,
                   "max_pool2d": torch.nn.MaxPool2d, "avg_pool2d": torch.nn.AvgPool2d}[kind]
            b.mods.append(cls(p if two_d else p[0], stride=s if two_d else s[0]))
            b.reporters.append(lambda: {})
            shape = [out_len(n, kk, ss, "valid") for n, kk, ss in zip(shape[:-1], p, s)] + [shape[-1]]
        elif kind.startswith("global_"):
            cls = {"global_avg_pool1d": torch.nn.AdaptiveAvgPool1d, "global_avg_pool2d": torch.nn.AdaptiveAvgPool2d,
                   "global_max_pool2d": torch.nn.AdaptiveMaxPool2d}[kind]
            b.mods += [cls(1), torch.nn.Flatten()]
            b.reporters.append(lambda: {})
            shape = [shape[-1]]
        elif kind == "flatten":
            b.mods.append(torch.nn.Flatten())
            b.reporters.append(lambda: {})
            if len(shape) >= 2:
                flattened_from = list(shape)
            n = 1
            for d in shape:
                n *= d
            shape = [n]
            continue  # keep flattened_from for the next layer
        elif kind == "dense":
            lin = torch.nn.Linear(shape[-1], layer["units"], bias=layer.get("use_bias", True))
            kernel = torch.tensor(w["kernel"], dtype=torch.float32)
            perm = flatten_permutation(flattened_from) if flattened_from else list(range(shape[-1]))
            with torch.no_grad():
                lin.weight.copy_(kernel[perm].t())  # torch input j reads Keras row perm[j]
                if lin.bias is not None:
                    lin.bias.copy_(torch.tensor(w["bias"], dtype=torch.float32))
            b.mods.append(lin)

            def report(lin=lin, perm=perm):
                kt = lin.weight.detach().t()
                kernel = torch.empty_like(kt)
                kernel[perm] = kt
                r = {"kernel": kernel.tolist()}
                if lin.bias is not None:
                    r["bias"] = lin.bias.detach().tolist()
                return r
            b.reporters.append(report)
            shape = [layer["units"]]
        elif not torch_norm_layers.add(b, kind, layer, w, shape, ACTIVATIONS):  # issue 15: torch_norm_layers.py
            raise SystemExit("torch_conv: unknown layer type " + kind)
        flattened_from = None
        if kind in ("conv1d", "conv2d", "dense") and act != "linear" and not (last and fold):
            b.mods.append(ACTIVATIONS[act]())
    return b


def module_step(model, crit, opt, before_step=None):
    """One PyTorch update per batch, as train_in_order calls it: the loss, zero_grad, backward,
    before_step() (gradient clipping) and step; returns the batch's loss."""
    def step(xb, yb):
        loss = crit(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        if before_step is not None:
            before_step()
        opt.step()
        return loss.item()
    return step


def run(e, loss_fn, optimizer, targets, folded, batch_size):
    """gen_torch.run for a convolutional experiment; the same report keys."""
    torch.manual_seed(e.get("seed", 0))
    fold = folded(e)
    try:
        b = build(e, fold)
    except Unsupported as err:
        return {"error": str(err)}
    model = torch.nn.Sequential(*b.mods)
    crit = loss_fn(e["torch"]["loss"])
    opt = optimizer(e["torch"]["optimizer"], model.parameters())
    x = to_torch_layout(torch.tensor(e["data"]["x"], dtype=torch.float32), e)
    y = targets(e)
    history = train_in_order(x, y, e["epochs"], batch_size(e, "torch"), module_step(model, crit, opt))
    model.eval()  # predictions in inference mode (batch norm's running statistics), as duet-compare
    with torch.no_grad():
        xp = to_torch_layout(torch.tensor(e.get("predict", e["data"]["x"]), dtype=torch.float32), e)
        out = model(xp)
        if fold == "softmax":
            out = torch.softmax(out, dim=-1)
        elif fold == "sigmoid":
            out = torch.sigmoid(out)
    return {"predictions": out.tolist(), "loss_history": history, "weights": [r() for r in b.reporters]}
