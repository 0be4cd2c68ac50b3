#!/usr/bin/env python3
"""Writes Duet's own golden experiment files (tests/golden/scenarios/duet/). Standard library only.

    python3 tools/golden/make_scenarios.py tests/golden/scenarios/duet

Small data (<= 64 rows) from a seeded random.Random, explicit initial weights, no shuffling, so
every framework run is deterministic. Each scenario demonstrates one rule of
docs/framework-differences.md.
"""
import math
import os
import random
import sys

from common import write_scenario


def r(rng, lo, hi, digits=3):
    return round(rng.uniform(lo, hi), digits)


def weights(rng, sizes, scale=0.5):
    out = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        out.append({"kernel": [[r(rng, -scale, scale, 4) for _ in range(fan_out)] for _ in range(fan_in)],
                    "bias": [r(rng, -0.1, 0.1, 4) for _ in range(fan_out)]})
    return out


def scenario(name, note, x, y, layers, init, epochs, keras, torch, predict, batch_size=32):
    return name, {"name": name, "note": note, "data": {"x": x, "y": y}, "layers": layers, "initial_weights": init,
                  "seed": 0, "epochs": epochs, "batch_size": batch_size, "shuffle": False,
                  "keras": keras, "torch": torch, "predict": predict}


def main(out):
    rng = random.Random(20261126)
    scenarios = []

    # Regression data: y = 1.5 x1 - 2 x2 + 0.5 + noise, 24 rows.
    x2 = [[r(rng, -1, 1), r(rng, -1, 1)] for _ in range(24)]
    y_lin = [[round(1.5 * a - 2 * b + 0.5 + rng.gauss(0, 0.05), 4)] for a, b in x2]
    scenarios.append(scenario(
        "sgd-nesterov", "SGD momentum 0.9 with Nesterov, batches of 8 in order: Keras' velocity form and PyTorch's "
        "buffer form give the same steps for a constant learning rate.",
        x2, y_lin, [{"units": 1}], weights(rng, [2, 1]), 40,
        {"optimizer": {"name": "sgd", "learning_rate": 0.02, "momentum": 0.9, "nesterov": True}, "loss": "mse"},
        {"optimizer": {"name": "sgd", "lr": 0.02, "momentum": 0.9, "nesterov": True}, "loss": {"name": "mse"}},
        [[0.5, -0.5], [1.0, 1.0]], batch_size=8))
    scenarios.append(scenario(
        "sgd-weight-decay", "PyTorch SGD with weight_decay=0.1 adds 0.1 w to each gradient; the Keras side has no "
        "weight decay, so the two sides differ by design (each golden is its own framework's truth).",
        x2, y_lin, [{"units": 1}], weights(rng, [2, 1]), 60,
        {"optimizer": {"name": "sgd", "learning_rate": 0.05}, "loss": "mse"},
        {"optimizer": {"name": "sgd", "lr": 0.05, "weight_decay": 0.1}, "loss": {"name": "mse"}},
        [[0.5, -0.5]], batch_size=6))

    # Non-linear regression with three features for the MLPs.
    x3 = [[r(rng, -1.5, 1.5), r(rng, -1.5, 1.5), r(rng, -1.5, 1.5)] for _ in range(32)]
    y_nl = [[round(math.sin(a) + 0.3 * b * b - 0.5 * c, 4)] for a, b, c in x3]
    for act, lr in (("relu", 0.05), ("sigmoid", 0.5)):
        scenarios.append(scenario(
            "mlp-" + act, "3 -> 6 %s -> 1 MLP, batches of 8, SGD, mse / MSELoss(mean)." % act,
            x3, y_nl, [{"units": 6, "activation": act}, {"units": 1}], weights(rng, [3, 6, 1], 0.6), 80,
            {"optimizer": {"name": "sgd", "learning_rate": lr}, "loss": "mse"},
            {"optimizer": {"name": "sgd", "lr": lr}, "loss": {"name": "mse"}},
            [[0.2, -0.4, 1.0], [-1.0, 0.5, 0.0]], batch_size=8))

    # Multi-output regression: two targets from the same features; mse averages both outputs.
    y2 = [[round(a + b, 4), round(a - 0.5 * c, 4)] for a, b, c in x3]
    scenarios.append(scenario(
        "multi-output", "Two outputs: Keras averages the squared error over the last axis and then the batch; "
        "PyTorch's mean over all elements is the same number.",
        x3, y2, [{"units": 4, "activation": "tanh"}, {"units": 2}], weights(rng, [3, 4, 2], 0.6), 60,
        {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": "mse"},
        {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "mse"}},
        [[0.3, 0.3, 0.3]], batch_size=16))

    # Huber on data with outliers.
    y_out = [[v[0] + (4.0 if i % 7 == 0 else 0.0)] for i, v in enumerate(y_lin)]
    scenarios.append(scenario(
        "huber", "Huber with delta 1.0 on data with outliers: Keras 'huber' and PyTorch HuberLoss(delta=1) agree.",
        x2, y_out, [{"units": 1}], weights(rng, [2, 1]), 60,
        {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": {"name": "huber", "delta": 1.0}},
        {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "huber", "delta": 1.0}},
        [[0.5, -0.5]], batch_size=8))

    # Binary classification: label = x1 + x2 > 0 with some overlap.
    xb = [[r(rng, -2, 2), r(rng, -2, 2)] for _ in range(40)]
    yb = [[1.0 if a + b + rng.gauss(0, 0.4) > 0 else 0.0] for a, b in xb]
    init_b = weights(rng, [2, 4, 1], 0.6)
    common_b = dict(x=xb, y=yb, layers=[{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
                    init=init_b, epochs=60, predict=[[1.0, 0.5], [-1.0, -0.2], [0.1, -0.1]], batch_size=10)
    scenarios.append(scenario(
        "bce-sigmoid", "Sigmoid output: Keras binary_crossentropy (probabilities clipped to [1e-7, 1-1e-7]) vs "
        "PyTorch BCELoss (logs clamped at -100); equal away from 0 and 1.",
        keras={"optimizer": {"name": "sgd", "learning_rate": 0.5}, "loss": "binary_crossentropy"},
        torch={"optimizer": {"name": "sgd", "lr": 0.5}, "loss": {"name": "bce"}}, **common_b))
    scenarios.append(scenario(
        "bce-logits", "Sigmoid output vs PyTorch BCEWithLogitsLoss: the sigmoid is folded into PyTorch's loss and "
        "applied to its predictions.",
        keras={"optimizer": {"name": "sgd", "learning_rate": 0.5}, "loss": "binary_crossentropy"},
        torch={"optimizer": {"name": "sgd", "lr": 0.5}, "loss": {"name": "bce_with_logits"}}, **common_b))

    # Three classes around three centres.
    centres = [(0.0, 1.5), (-1.3, -0.8), (1.3, -0.8)]
    xc, yc, yi = [], [], []
    for i in range(45):
        c = i % 3
        xc.append([round(centres[c][0] + rng.gauss(0, 0.7), 3), round(centres[c][1] + rng.gauss(0, 0.7), 3)])
        yc.append([1.0 if k == c else 0.0 for k in range(3)])
        yi.append([float(c)])
    init_c = weights(rng, [2, 5, 3], 0.6)
    layers_c = [{"units": 5, "activation": "relu"}, {"units": 3, "activation": "softmax"}]
    scenarios.append(scenario(
        "softmax-cce", "Softmax output with one-hot targets: Keras categorical_crossentropy vs PyTorch "
        "CrossEntropyLoss on logits (softmax folded in, one-hot rows as class indices).",
        xc, yc, layers_c, init_c, 50,
        {"optimizer": {"name": "sgd", "learning_rate": 0.2}, "loss": "categorical_crossentropy"},
        {"optimizer": {"name": "sgd", "lr": 0.2}, "loss": {"name": "cross_entropy"}},
        [[0.0, 1.0], [1.0, -1.0]], batch_size=15))
    scenarios.append(scenario(
        "sparse-ce", "Class-index targets (one integer column): Keras sparse_categorical_crossentropy vs "
        "PyTorch CrossEntropyLoss.",
        xc, yi, layers_c, init_c, 50,
        {"optimizer": {"name": "sgd", "learning_rate": 0.2}, "loss": "sparse_categorical_crossentropy"},
        {"optimizer": {"name": "sgd", "lr": 0.2}, "loss": {"name": "cross_entropy"}},
        [[0.0, 1.0], [1.0, -1.0]], batch_size=15))

    # Adaptive optimisers on the non-linear regression.
    init_a = weights(rng, [3, 6, 1], 0.6)
    adaptive = [
        ("adam", "Adam with each framework's defaults but the learning rate: Keras epsilon 1e-7 before bias "
         "correction, PyTorch eps 1e-8 after it.",
         {"name": "adam", "learning_rate": 0.01}, {"name": "adam", "lr": 0.01}),
        ("rmsprop", "RMSprop: Keras rho 0.9, epsilon 1e-7 inside the root; PyTorch alpha 0.99, eps 1e-8 outside.",
         {"name": "rmsprop", "learning_rate": 0.005}, {"name": "rmsprop", "lr": 0.005}),
        ("rmsprop-centered", "Centred RMSprop with momentum 0.5 (no TensorFlow.js golden: tfjs differs from Keras "
         "3 here).",
         {"name": "rmsprop", "learning_rate": 0.005, "centered": True, "momentum": 0.5},
         {"name": "rmsprop", "lr": 0.005, "centered": True, "momentum": 0.5}),
        ("adagrad", "Adagrad: Keras starts the accumulator at 0.1, PyTorch at 0; same learning rate.",
         {"name": "adagrad", "learning_rate": 0.1}, {"name": "adagrad", "lr": 0.1}),
        ("adam-large-epsilon", "Adam with epsilon 0.1 on both sides, so that where epsilon enters shows: Keras "
         "adds it to sqrt(v) before bias correction, PyTorch to sqrt(v_hat) after it (Keras golden from "
         "gen_keras_rules.py, since TensorFlow.js uses PyTorch's placement).",
         {"name": "adam", "learning_rate": 0.01, "epsilon": 0.1}, {"name": "adam", "lr": 0.01, "eps": 0.1}),
    ]
    for name, note, k_opt, t_opt in adaptive:
        scenarios.append(scenario(
            name, note, x3, y_nl, [{"units": 6, "activation": "tanh"}, {"units": 1}], init_a, 60,
            {"optimizer": k_opt, "loss": "mse"}, {"optimizer": t_opt, "loss": {"name": "mse"}},
            [[0.2, -0.4, 1.0]], batch_size=8))

    os.makedirs(out, exist_ok=True)
    for name, s in scenarios:
        write_scenario(out, name, s)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/golden/scenarios/duet")
