"""Keras 3's sequence layers re-implemented in float32 on PyTorch's autograd, for gen_keras_rules.py
(issue 16; one-line hook): embedding, SimpleRNN, LSTM, GRU with reset_after=True (Keras 3's
default, which TensorFlow.js' GRU cannot do), dense. Written from keras/src/layers/rnn/{simple_rnn,
lstm,gru}.py: zero initial states; SimpleRNN h = act(x K + b + h R); LSTM z = x K + h R + b split
i, f, c, o, c = f c + i tanh(z_c), h = o tanh(c); GRU (reset_after) x K + b[0] and h R + b[1] split
z, r, h, z = sigmoid(x_z + h_z), r = sigmoid(x_r + h_r), hh = tanh(x_h + r h_h),
h = z h_prev + (1 - z) hh. The last step only unless return_sequences.

Validated (tools/golden/README.md): against TensorFlow.js' SimpleRNN and LSTM goldens of the seq-*
scenarios (gen_keras_rules.py --check), and against the shared public-v2 gru-reset-after Keras
golden, made by a separate Keras 3 re-implementation (--check-gru).
"""
import torch

from common import train_in_order

KINDS = {"embedding", "simple_rnn", "lstm", "gru"}
ACT = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "linear": lambda t: t}


def handles(e):
    return any(l.get("type") in KINDS for l in e["layers"])


class Model:
    def __init__(self, e, dense_act):
        self.layers = e["layers"]
        self.vars = []  # per layer: dict name -> leaf tensor (Keras layout)
        for w in e["initial_weights"]:
            self.vars.append({k: torch.tensor(v, dtype=torch.float32, requires_grad=True) for k, v in w.items()})
        self.dense_act = dense_act

    def variables(self):
        return [v for layer in self.vars for v in layer.values()]

    def __call__(self, x):
        for layer, w in zip(self.layers, self.vars):
            kind = layer.get("type", "dense")
            if kind == "embedding":
                x = w["embeddings"][x.long()]
            elif kind == "dense":
                x = x @ w["kernel"] + w["bias"] if "bias" in w else x @ w["kernel"]
                x = self.dense_act[layer.get("activation", "linear")](x)
            else:
                x = self.recurrent(kind, layer, w, x)
        return x

    @staticmethod
    def recurrent(kind, layer, w, x):
        u = layer["units"]
        n, steps = x.shape[0], x.shape[1]
        h = torch.zeros(n, u)
        c = torch.zeros(n, u)
        act = ACT[layer.get("activation", "tanh")]
        outs = []
        for t in range(steps):
            xt = x[:, t]
            if kind == "simple_rnn":
                z = xt @ w["kernel"] + h @ w["recurrent_kernel"]
                h = act(z + w["bias"] if "bias" in w else z)
            elif kind == "lstm":
                z = xt @ w["kernel"] + h @ w["recurrent_kernel"]
                if "bias" in w:
                    z = z + w["bias"]
                i, f, g, o = z.split(u, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            else:
                mx = xt @ w["kernel"]
                mh = h @ w["recurrent_kernel"]
                if "bias" in w:
                    mx, mh = mx + w["bias"][0], mh + w["bias"][1]
                xz, xr, xh = mx.split(u, dim=1)
                hz, hr, hh = mh.split(u, dim=1)
                z = torch.sigmoid(xz + hz)
                r = torch.sigmoid(xr + hr)
                cand = torch.tanh(xh + r * hh)
                h = z * h + (1 - z) * cand
            outs.append(h)
        return torch.stack(outs, dim=1) if layer.get("return_sequences", False) else h


def rules_step(model, variables, opt, keras_loss, loss_name):
    """One update per batch with Keras' rules, as train_in_order calls it: the gradients of the
    loss, then opt.apply on every variable; returns the batch's loss."""
    def step(xb, yb):
        for v in variables:
            v.grad = None
        loss = keras_loss(loss_name, yb, model(xb))
        loss.backward()
        opt.apply(variables)
        return loss.item()
    return step


def run(e, rules_class, keras_loss, dense_act, batch_size):
    """gen_keras_rules.run for a sequence experiment: Keras' update rules on every variable."""
    model = Model(e, dense_act)
    variables = model.variables()
    opt = rules_class(e["keras"].get("optimizer", {"name": "sgd"}))
    loss_name = e["keras"].get("loss", "mean_squared_error")
    x = torch.tensor(e["data"]["x"], dtype=torch.float32)
    y = torch.tensor(e["data"]["y"], dtype=torch.float32)
    step = rules_step(model, variables, opt, keras_loss, loss_name)
    history = train_in_order(x, y, e["epochs"], batch_size(e, "keras"), step)
    with torch.no_grad():
        pred = model(torch.tensor(e.get("predict", e["data"]["x"]), dtype=torch.float32))
    return {"framework": "Keras 3 recurrent layers and update rules re-implemented in float32 on PyTorch %s "
                         "autograd (keras3_sequence.py)" % torch.__version__,
            "source": "not TensorFlow.js, whose GRU has no reset_after=True (Keras 3's default): Keras 3's "
                      "layers re-implemented in float32, validated against tfjs' SimpleRNN and LSTM and the "
                      "shared public-v2 GRU golden (tools/golden/README.md)",
            "predictions": pred.tolist(), "loss_history": history,
            "weights": [{k: v.detach().tolist() for k, v in layer.items()} for layer in model.vars]}


def largest_difference(a, b):
    if isinstance(b, list):
        return max((largest_difference(x, y) for x, y in zip(a, b)), default=0.0)
    if isinstance(b, dict):
        return max((largest_difference(a[k], b[k]) for k in b), default=0.0)
    return abs(a - b) / max(1.0, abs(b))


if __name__ == "__main__":
    # keras3_sequence.py MINE.keras.json REFERENCE.keras.json: the largest relative difference in
    # predictions, weights and losses (the validation against the shared GRU golden).
    import json
    import sys
    with open(sys.argv[1]) as f:
        mine = json.load(f)
    with open(sys.argv[2]) as f:
        ref = json.load(f)
    worst = max(largest_difference(mine[k], ref[k]) for k in ("predictions", "weights", "loss_history"))
    print("ok  " if worst <= 1e-5 else "FAIL", "largest relative difference %.3g" % worst)
    raise SystemExit(0 if worst <= 1e-5 else 1)
