#!/usr/bin/python3
"""Writes the sequence scenarios of issue 16 into tests/golden/scenarios/duet-v2/seq-*.json:
simple_rnn, lstm and gru each stacked as return_sequences on -> off -> dense, and embeddings of
token ids before an LSTM (classification) and a GRU (regression). Tiny on purpose (12 rows,
4 or 5 steps, a few units, 6 epochs): the suite runs each through both front-ends.

    python3 tools/golden/seq_scenarios.py tests/golden/scenarios/duet-v2
    /usr/bin/python3 tools/golden/gen_torch.py tests/golden/scenarios/duet-v2/seq-*.json --out tests/golden/expected/duet-v2
    node tools/golden/gen_keras.mjs tests/golden/scenarios/duet-v2/seq-*.json --out tests/golden/expected/duet-v2
    /usr/bin/python3 tools/golden/gen_keras_rules.py tests/golden/scenarios/duet-v2/seq-*gru*.json --out tests/golden/expected/duet-v2

Weights are drawn here (uniform, seeded) in Keras' layout; each side maps them as the spec says.
"""
import random
import sys

from common import write_scenario

GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def uniform(rng, shape, bound):
    if len(shape) == 1:
        return [round(rng.uniform(-bound, bound), 4) for _ in range(shape[0])]
    return [uniform(rng, shape[1:], bound) for _ in range(shape[0])]


def weights_of(rng, layers, features):
    out = []
    for layer in layers:
        kind = layer.get("type", "dense")
        if kind == "embedding":
            out.append({"embeddings": uniform(rng, [layer["input_dim"], layer["output_dim"]], 0.5)})
            features = layer["output_dim"]
        elif kind in GATES:
            u, g = layer["units"], GATES[kind]
            out.append({"kernel": uniform(rng, [features, g * u], 0.6),
                        "recurrent_kernel": uniform(rng, [u, g * u], 0.6),
                        "bias": uniform(rng, [2, g * u] if kind == "gru" else [g * u], 0.1)})
            features = u
        else:
            out.append({"kernel": uniform(rng, [features, layer["units"]], 0.8),
                        "bias": uniform(rng, [layer["units"]], 0.1)})
            features = layer["units"]
    return out


def stacked(kind, rng):
    x = uniform(rng, [12, 4, 2], 1.0)
    y = [[round(sum(s[0] - 0.5 * s[1] for s in row) / 4, 4)] for row in x]
    layers = [{"type": kind, "units": 4, "return_sequences": True}, {"type": kind, "units": 3},
              {"type": "dense", "units": 1}]
    return x, y, layers, "mse", {"name": "mse", "reduction": "mean"}


def tokens(rng, input_dim, rows=12, steps=5):
    return [[rng.randrange(input_dim) for _ in range(steps)] for _ in range(rows)]


def scenarios():
    rng = random.Random(16)
    out = {}
    for kind in ("simple_rnn", "lstm", "gru"):
        note = ("%s with return_sequences on (all steps to the next layer) and off (the last step), then a dense "
                "layer; Keras weights mapped to PyTorch's layout (spec table)." % kind)
        out["seq-%s-stacked" % kind.replace("_", "-")] = (note,) + stacked(kind, rng)
    x = tokens(rng, 6)
    y = [[sum(1 for t in row if t >= 3) % 3] for row in x]
    out["seq-embedding-lstm-classes"] = (
        "Token ids -> embedding (6 x 3) -> LSTM 4 (last step) -> dense 3 softmax; sparse categorical "
        "cross-entropy / CrossEntropyLoss with class indices.",
        x, y, [{"type": "embedding", "input_dim": 6, "output_dim": 3}, {"type": "lstm", "units": 4},
               {"type": "dense", "units": 3, "activation": "softmax"}],
        "sparse_categorical_crossentropy", {"name": "cross_entropy"})
    x = tokens(rng, 5)
    y = [[round(sum(row) / 10 - 0.5, 4)] for row in x]
    out["seq-embedding-gru-sequences"] = (
        "Token ids -> embedding (5 x 2) -> GRU 3 with return_sequences -> SimpleRNN 2 -> dense 1: an embedding "
        "feeding whole sequences on.",
        x, y, [{"type": "embedding", "input_dim": 5, "output_dim": 2}, {"type": "gru", "units": 3, "return_sequences": True},
               {"type": "simple_rnn", "units": 2}, {"type": "dense", "units": 1}],
        "mse", {"name": "mse", "reduction": "mean"})
    return out, rng


def main():
    out_dir = sys.argv[1]
    items, rng = scenarios()
    for name, (note, x, y, layers, keras_loss, torch_loss) in items.items():
        features = None if layers[0]["type"] == "embedding" else len(x[0][0])
        e = {"name": name, "note": note, "data": {"x": x, "y": y}, "layers": layers,
             "initial_weights": weights_of(rng, layers, features), "seed": 0, "epochs": 6, "batch_size": 4,
             "shuffle": False,
             "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": keras_loss},
             "torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": torch_loss},
             "predict": x[:4]}
        write_scenario(out_dir, name, e, indent=None)


if __name__ == "__main__":
    main()
