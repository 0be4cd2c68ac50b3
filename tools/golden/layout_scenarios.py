#!/usr/bin/python3
"""Writes the layout-crossing scenarios of issue 14 into tests/golden/scenarios/duet-v2/layout-*.json:
models where PyTorch's layout of a sequence changes between layers. Keras keeps every sequence
[steps, channels]; PyTorch's Conv1d and 1-D pooling want [N, C, L] and its recurrent layers
(batch_first) [N, L, C], so PyTorch code transposes between them (x.transpose(1, 2)):
- embedding -> conv1d -> max_pool1d -> flatten -> dense (the flatten then runs over PyTorch's
  channels-first [C, L]: the dense kernel's rows are permuted as after any channels-first flatten);
- conv1d (PyTorch holds NCL) -> lstm -> dense;
- lstm (return_sequences) -> global_avg_pool1d -> dense.

    python3 tools/golden/layout_scenarios.py tests/golden/scenarios/duet-v2
    /usr/bin/python3 tools/golden/gen_torch.py tests/golden/scenarios/duet-v2/layout-*.json --out tests/golden/expected/duet-v2
    node tools/golden/gen_keras.mjs tests/golden/scenarios/duet-v2/layout-*.json --out tests/golden/expected/duet-v2

Weights are drawn here (uniform, seeded) in Keras' layout; each side maps them as the spec says.
"""
import random
import sys

from common import write_scenario
from seq_scenarios import GATES, tokens, uniform


def weights_of(rng, layers, shape):
    """Keras-layout initial weights for `layers` on samples of Keras shape `shape` (None for token ids)."""
    out = []
    for layer in layers:
        kind = layer["type"]
        if kind == "embedding":
            out.append({"embeddings": uniform(rng, [layer["input_dim"], layer["output_dim"]], 0.5)})
            shape = [shape[0], layer["output_dim"]]
        elif kind == "conv1d":
            k, f = layer["kernel_size"], layer["filters"]
            out.append({"kernel": uniform(rng, [k, shape[-1], f], 0.6), "bias": uniform(rng, [f], 0.1)})
            shape = [shape[0] - k + 1, f]
        elif kind == "max_pool1d":
            out.append({})
            shape = [shape[0] // layer["pool_size"], shape[1]]
        elif kind == "global_avg_pool1d":
            out.append({})
            shape = [shape[-1]]
        elif kind == "flatten":
            out.append({})
            shape = [shape[0] * shape[1]]
        elif kind in GATES:
            u, g = layer["units"], GATES[kind]
            out.append({"kernel": uniform(rng, [shape[-1], g * u], 0.6),
                        "recurrent_kernel": uniform(rng, [u, g * u], 0.6), "bias": uniform(rng, [g * u], 0.1)})
            shape = [shape[0], u] if layer.get("return_sequences") else [u]
        else:
            out.append({"kernel": uniform(rng, [shape[-1], layer["units"]], 0.8),
                        "bias": uniform(rng, [layer["units"]], 0.1)})
            shape = [layer["units"]]
    return out


def scenarios(rng):
    x = tokens(rng, 6, rows=12, steps=6)
    y = [[round(sum(t * (k + 1) for k, t in enumerate(row)) / 60 - 0.5, 4)] for row in x]
    yield ("layout-embedding-conv1d-flatten",
           "Token ids -> embedding (6 x 3) -> conv1d 2 (kernel 2; PyTorch: transpose to NCL first) -> max_pool1d 2 "
           "-> flatten (PyTorch flattens [C, L]: the dense rows are permuted) -> dense 1.",
           x, y, [{"type": "embedding", "input_dim": 6, "output_dim": 3}, {"type": "conv1d", "filters": 2, "kernel_size": 2},
                  {"type": "max_pool1d", "pool_size": 2}, {"type": "flatten"}, {"type": "dense", "units": 1}])
    x = uniform(rng, [12, 6, 2], 1.0)
    y = [[round(sum(s[0] - 0.5 * s[1] for s in row) / 6, 4)] for row in x]
    yield ("layout-conv1d-lstm",
           "Signals (6 steps x 2) -> conv1d 3 (kernel 3; PyTorch holds NCL) -> LSTM 2 (PyTorch: transpose back to "
           "batch-first first) -> dense 1.",
           x, y, [{"type": "conv1d", "filters": 3, "kernel_size": 3}, {"type": "lstm", "units": 2},
                  {"type": "dense", "units": 1}])
    x = uniform(rng, [12, 5, 2], 1.0)
    y = [[round(sum(s[1] for s in row) / 5, 4)] for row in x]
    yield ("layout-lstm-sequences-global-avg",
           "Sequences (5 steps x 2) -> LSTM 3 with return_sequences (batch-first) -> global_avg_pool1d (PyTorch: "
           "transpose to NCL, AdaptiveAvgPool1d(1)) -> dense 1.",
           x, y, [{"type": "lstm", "units": 3, "return_sequences": True}, {"type": "global_avg_pool1d"},
                  {"type": "dense", "units": 1}])


def main():
    out_dir = sys.argv[1]
    rng = random.Random(14)
    for name, note, x, y, layers in scenarios(rng):
        shape = [len(x[0])] if layers[0]["type"] == "embedding" else [len(x[0]), len(x[0][0])]
        e = {"name": name, "note": note, "data": {"x": x, "y": y}, "layers": layers,
             "initial_weights": weights_of(rng, layers, shape), "seed": 0, "epochs": 6, "batch_size": 4,
             "shuffle": False,
             "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": "mse"},
             "torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "mse", "reduction": "mean"}},
             "predict": x[:4]}
        write_scenario(out_dir, name, e, indent=None)


if __name__ == "__main__":
    main()
