"""gen_torch.py's sequence models (experiment format v2, issue 16): embedding, simple_rnn, lstm and
gru (batch_first, one layer each), dense, as duet-compare's PyTorch side builds them.

- x arrives rows x steps x features (or rows x steps of token ids before an embedding: int64).
- Weights come in Keras' layout and are mapped as the spec's table says: weight_ih = kernel^T,
  weight_hh = recurrent_kernel^T; SimpleRNN / LSTM: bias_ih = bias, bias_hh = 0, reported bias =
  bias_ih + bias_hh; GRU (reset_after): Keras' gate blocks z, r, h become PyTorch's r, z, n,
  bias_ih = bias[0], bias_hh = bias[1], reported back as [2][3u]; embedding weight = embeddings.
- return_sequences false hands on the output at the last step (output[:, -1]).
"""
import torch

import torch_norm_layers
from common import train_in_order
from torch_conv import ACTIVATIONS, module_step

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


def build(e, fold):
    mods, reporters = [], []
    features = None if e["layers"][0].get("type") == "embedding" else len(e["data"]["x"][0][0])
    for i, layer in enumerate(e["layers"]):
        kind = layer.get("type", "dense")
        w = e["initial_weights"][i]
        act = layer.get("activation", "tanh" if kind == "simple_rnn" else "linear")
        last = i == len(e["layers"]) - 1
        f32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
        if kind == "embedding":
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
            with torch.no_grad():
                lin.weight.copy_(f32(w["kernel"]).t())
                if lin.bias is not None:
                    lin.bias.copy_(f32(w["bias"]))
            mods.append(lin)

            def report(lin=lin):
                r = {"kernel": lin.weight.detach().t().tolist()}
                if lin.bias is not None:
                    r["bias"] = lin.bias.detach().tolist()
                return r
            reporters.append(report)
            if act != "linear" and not (last and fold):
                mods.append(ACTIVATIONS[act]())
            features = layer["units"]
        elif kind == "layer_norm":  # issue 15: torch_norm_layers.py (batch-first: LayerNorm on the last dim)
            mod, report = torch_norm_layers.layer_norm(layer, w, features, channels_first=False)
            mods.append(mod)
            reporters.append(report)
        else:
            raise SystemExit("torch_seq: unknown layer type " + kind)
    return torch.nn.Sequential(*mods), reporters


def inputs(e, key):
    dtype = torch.long if e["layers"][0].get("type") == "embedding" else torch.float32
    return torch.tensor(e.get(key, e["data"]["x"]) if key == "predict" else e["data"]["x"], dtype=dtype)


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
