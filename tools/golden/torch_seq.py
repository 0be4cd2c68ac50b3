"""gen_torch.py's sequence models (experiment format v2, issue 16): embedding, simple_rnn, lstm and
gru (batch_first, one layer each), dense, as duet-compare's PyTorch side builds them.

- x arrives rows x steps x features (or rows x steps of token ids before an embedding: int64).
- Weights come in Keras' layout and are mapped as the spec's table says: weight_ih = kernel^T,
  weight_hh = recurrent_kernel^T; SimpleRNN / LSTM: bias_ih = bias, bias_hh = 0, reported bias =
  bias_ih + bias_hh; GRU (reset_after): Keras' gate blocks z, r, h become PyTorch's r, z, n,
  bias_ih = bias[0], bias_hh = bias[1], reported back as [2][3u]; embedding weight = embeddings.
- return_sequences false hands on the output at the last step (output[:, -1]).
- Mixed with 1-D convolutions and pooling (layout_scenarios.py): those take channels-first NCL,
  the recurrent layers batch-first NLC; a Transpose(1, 2) goes between, as PyTorch code writes
  x.transpose(1, 2) in forward, and a flatten of a channels-first [C, L] permutes the next dense
  kernel's rows (torch_conv.flatten_permutation).
"""
import torch

import torch_norm_layers
from common import train_in_order
from torch_conv import ACTIVATIONS, SPATIAL, flatten_permutation, module_step, to_torch_layout

RECURRENT = {"simple_rnn": (torch.nn.RNN, 1), "lstm": (torch.nn.LSTM, 4), "gru": (torch.nn.GRU, 3)}
GRU_ORDER = [1, 0, 2]  # PyTorch block b holds Keras block GRU_ORDER[b]


def handles(e):
    return any(l.get("type", "dense") in RECURRENT or l.get("type") == "embedding" for l in e["layers"])


def blocks(t, gates, order, axis):
    """t with its gate blocks along `axis` reordered (block b <- block order[b])."""
    return torch.cat([c for c in (t.chunk(gates, dim=axis)[k] for k in order)], dim=axis)


def inverse(order):
    inv = [0] * len(order)
    for b, k in enumerate(order):
        inv[k] = b
    return inv


class Recurrent(torch.nn.Module):
    """One recurrent layer; the last step only unless return_sequences."""

    def __init__(self, rnn, return_sequences):
        super().__init__()
        self.rnn, self.return_sequences = rnn, return_sequences

    def forward(self, x):
        out = self.rnn(x)[0]
        return out if self.return_sequences else out[:, -1]


class Transpose(torch.nn.Module):
    """x.transpose(1, 2): [N, L, C] <-> [N, C, L] between a recurrent layer and a convolution."""

    def forward(self, x):
        return x.transpose(1, 2)


def build(e, fold):
    mods, reporters = [], []
    first = e["layers"][0].get("type")
    steps = len(e["data"]["x"][0])
    features = None if first == "embedding" else len(e["data"]["x"][0][0])
    channels_first = first in SPATIAL  # PyTorch's layout of the current [L, C] sample
    flattened_from = None
    for i, layer in enumerate(e["layers"]):
        kind = layer.get("type", "dense")
        w = e["initial_weights"][i]
        act = layer.get("activation", "tanh" if kind == "simple_rnn" else "linear")
        last = i == len(e["layers"]) - 1
        f32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
        if steps is not None and i > 0 and ((kind in SPATIAL) != channels_first) and (kind in SPATIAL or kind in RECURRENT):
            mods.append(Transpose())
            channels_first = not channels_first
        if kind == "conv1d":
            k = layer["kernel_size"]
            conv = torch.nn.Conv1d(features, layer["filters"], k)
            with torch.no_grad():
                conv.weight.copy_(f32(w["kernel"]).permute(2, 1, 0))
                conv.bias.copy_(f32(w["bias"]))
            mods.append(conv)
            reporters.append(lambda conv=conv: {"kernel": conv.weight.detach().permute(2, 1, 0).tolist(),
                                                "bias": conv.bias.detach().tolist()})
            steps, features = steps - k + 1, layer["filters"]
        elif kind in ("max_pool1d", "avg_pool1d"):
            p = layer["pool_size"]
            mods.append((torch.nn.MaxPool1d if kind == "max_pool1d" else torch.nn.AvgPool1d)(p, stride=p))
            reporters.append(lambda: {})
            steps = steps // p
        elif kind == "global_avg_pool1d":
            mods += [torch.nn.AdaptiveAvgPool1d(1), torch.nn.Flatten()]
            reporters.append(lambda: {})
            steps = None
        elif kind == "flatten":
            mods.append(torch.nn.Flatten())
            reporters.append(lambda: {})
            flattened_from = [steps, features] if channels_first else None
            steps, features = None, steps * features
            continue  # keep flattened_from for the next layer
        elif kind == "embedding":
            emb = torch.nn.Embedding(layer["input_dim"], layer["output_dim"])
            with torch.no_grad():
                emb.weight.copy_(f32(w["embeddings"]))
            mods.append(emb)
            reporters.append(lambda emb=emb: {"embeddings": emb.weight.detach().tolist()})
            features = layer["output_dim"]
        elif kind in RECURRENT:
            cls, gates = RECURRENT[kind]
            units, use_bias = layer["units"], layer.get("use_bias", True)
            kwargs = {"nonlinearity": act} if kind == "simple_rnn" else {}
            rnn = cls(features, units, batch_first=True, bias=use_bias, **kwargs)
            order = GRU_ORDER if kind == "gru" else list(range(gates))
            with torch.no_grad():
                rnn.weight_ih_l0.copy_(blocks(f32(w["kernel"]), gates, order, 1).t())
                rnn.weight_hh_l0.copy_(blocks(f32(w["recurrent_kernel"]), gates, order, 1).t())
                if use_bias:
                    b = f32(w["bias"])
                    if kind == "gru":
                        rnn.bias_ih_l0.copy_(blocks(b[0], gates, order, 0))
                        rnn.bias_hh_l0.copy_(blocks(b[1], gates, order, 0))
                    else:
                        rnn.bias_ih_l0.copy_(b)
                        rnn.bias_hh_l0.zero_()
            mods.append(Recurrent(rnn, layer.get("return_sequences", False)))
            if not layer.get("return_sequences", False):
                steps = None

            def report(rnn=rnn, gates=gates, order=order, kind=kind, use_bias=use_bias):
                back = inverse(order)
                r = {"kernel": blocks(rnn.weight_ih_l0.detach().t(), gates, back, 1).tolist(),
                     "recurrent_kernel": blocks(rnn.weight_hh_l0.detach().t(), gates, back, 1).tolist()}
                if use_bias:
                    bi, bh = rnn.bias_ih_l0.detach(), rnn.bias_hh_l0.detach()
                    r["bias"] = ([blocks(bi, gates, back, 0).tolist(), blocks(bh, gates, back, 0).tolist()]
                                 if kind == "gru" else (bi + bh).tolist())
                return r
            reporters.append(report)
            features = units
        elif kind == "dense":
            lin = torch.nn.Linear(features, layer["units"], bias=layer.get("use_bias", True))
            perm = flatten_permutation(flattened_from) if flattened_from else list(range(features))
            with torch.no_grad():
                lin.weight.copy_(f32(w["kernel"])[perm].t())  # torch input j reads Keras row perm[j]
                if lin.bias is not None:
                    lin.bias.copy_(f32(w["bias"]))
            mods.append(lin)

            def report(lin=lin, perm=perm):
                kernel = torch.empty_like(lin.weight.detach().t())
                kernel[perm] = lin.weight.detach().t()
                r = {"kernel": kernel.tolist()}
                if lin.bias is not None:
                    r["bias"] = lin.bias.detach().tolist()
                return r
            reporters.append(report)
            if act != "linear" and not (last and fold):
                mods.append(ACTIVATIONS[act]())
            features, steps = layer["units"], None
        elif kind == "layer_norm":  # issue 15: torch_norm_layers.py (batch-first: LayerNorm on the last dim)
            mod, report = torch_norm_layers.layer_norm(layer, w, features, channels_first=channels_first and steps is not None)
            mods.append(mod)
            reporters.append(report)
        else:
            raise SystemExit("torch_seq: unknown layer type " + kind)
        flattened_from = None
    return torch.nn.Sequential(*mods), reporters


def inputs(e, key):
    dtype = torch.long if e["layers"][0].get("type") == "embedding" else torch.float32
    x = torch.tensor(e.get(key, e["data"]["x"]) if key == "predict" else e["data"]["x"], dtype=dtype)
    return x if dtype == torch.long else to_torch_layout(x, e)


def run(e, loss_fn, optimizer, targets, folded, batch_size):
    """gen_torch.run for a sequence experiment; the same report keys."""
    torch.manual_seed(e.get("seed", 0))
    fold = folded(e)
    model, reporters = build(e, fold)
    crit = loss_fn(e["torch"]["loss"])
    opt = optimizer(e["torch"]["optimizer"], model.parameters())
    x, y = inputs(e, "x"), targets(e)
    model.train()
    history = train_in_order(x, y, e["epochs"], batch_size(e, "torch"), module_step(model, crit, opt))
    model.eval()
    with torch.no_grad():
        out = model(inputs(e, "predict"))
        if fold == "softmax":
            out = torch.softmax(out, dim=-1)
        elif fold == "sigmoid":
            out = torch.sigmoid(out)
    return {"predictions": out.tolist(), "loss_history": history, "weights": [r() for r in reporters]}
