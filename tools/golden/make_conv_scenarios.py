#!/usr/bin/env python3
"""Writes Duet's convolutional golden experiments (format v2) to tests/golden/scenarios/duet-v2/.
Standard library only.

    python3 tools/golden/make_conv_scenarios.py tests/golden/scenarios/duet-v2

Tiny images and signals from a seeded random.Random, explicit initial weights in Keras' layout,
no shuffling. Together they cover every layer type, padding, stride and pooling of issue 14:
conv1d / conv2d with 'valid', 'same' (even kernels: the odd pixel), strides 1 and 2 and a
rectangular kernel; max / average pooling 1-D and 2-D with default and explicit strides; global
average 1-D / 2-D and global max 2-D; flatten of images and of signals before a dense layer (the
row permutation); 'same' with stride 2 and 'same' max pooling, which PyTorch cannot express
(their PyTorch goldens record the error). 'same' average pooling has no golden: TensorFlow.js'
gradient for it divides by the whole window (tfjs-backend-cpu avgPoolBackprop), TensorFlow's by
the cells inside, as its forward pass does; tests/core/pool_test.cpp checks Duet's rule.
"""
import os
import random
import sys

from common import write_scenario


def r(rng, lo=-1.0, hi=1.0, digits=2):
    return round(rng.uniform(lo, hi), digits)


def tensor(rng, shape, scale=1.0, digits=2):
    if len(shape) == 1:
        return [r(rng, -scale, scale, digits) for _ in range(shape[0])]
    return [tensor(rng, shape[1:], scale, digits) for _ in range(shape[0])]


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def out_len(n, k, s, padding):
    return -(-n // s) if padding == "same" else (n - k) // s + 1


def initial_weights(rng, layers, input_shape):
    """Keras-layout weights per layer ({} for layers without weights) and the final shape."""
    shape, init = list(input_shape), []
    for l in layers:
        kind = l.get("type", "dense")
        if kind in ("conv1d", "conv2d"):
            k = pair(l["kernel_size"]) if kind == "conv2d" else (l["kernel_size"],)
            s = pair(l.get("strides", 1)) if kind == "conv2d" else (l.get("strides", 1),)
            fan_in = shape[-1]
            for kk in k:
                fan_in *= kk
            w = {"kernel": tensor(rng, list(k) + [shape[-1], l["filters"]], scale=(1.5 / fan_in) ** 0.5 + 0.1, digits=4)}
            if l.get("use_bias", True):
                w["bias"] = tensor(rng, [l["filters"]], scale=0.1, digits=4)
            init.append(w)
            shape = [out_len(n, kk, ss, l.get("padding", "valid")) for n, kk, ss in zip(shape[:-1], k, s)] + [l["filters"]]
        elif kind.startswith(("max_pool", "avg_pool")):
            two_d = kind.endswith("2d")
            p = pair(l["pool_size"]) if two_d else (l["pool_size"],)
            st = l.get("strides", l["pool_size"])
            st = pair(st) if two_d else (st,)
            init.append({})
            shape = [out_len(n, kk, ss, l.get("padding", "valid")) for n, kk, ss in zip(shape[:-1], p, st)] + [shape[-1]]
        elif kind.startswith("global_"):
            init.append({})
            shape = [shape[-1]]
        elif kind == "flatten":
            init.append({})
            n = 1
            for d in shape:
                n *= d
            shape = [n]
        else:
            init.append({"kernel": tensor(rng, [shape[-1], l["units"]], scale=(3.0 / shape[-1]) ** 0.5, digits=4),
                         "bias": tensor(rng, [l["units"]], scale=0.1, digits=4)})
            shape = [l["units"]]
    return init


def mse(lr):
    return {"optimizer": {"name": "sgd", "learning_rate": lr}, "loss": "mse"}, \
           {"optimizer": {"name": "sgd", "lr": lr}, "loss": {"name": "mse", "reduction": "mean"}}


def scenario(rng, name, note, input_shape, rows, layers, outputs, epochs, lr, batch_size, classes=False):
    x = [tensor(rng, input_shape) for _ in range(rows)]
    if classes:
        labels = [rng.randrange(outputs) for _ in range(rows)]
        y = [[1.0 if j == c else 0.0 for j in range(outputs)] for c in labels]
        keras = {"optimizer": {"name": "sgd", "learning_rate": lr}, "loss": "categorical_crossentropy"}
        torch = {"optimizer": {"name": "sgd", "lr": lr}, "loss": {"name": "cross_entropy", "reduction": "mean"}}
    else:
        y = [tensor(rng, [outputs]) for _ in range(rows)]
        keras, torch = mse(lr)
    return {"name": name, "note": note, "data": {"x": x, "y": y}, "layers": layers,
            "initial_weights": initial_weights(rng, layers, input_shape), "seed": 0, "epochs": epochs,
            "batch_size": batch_size, "shuffle": False, "keras": keras, "torch": torch,
            "predict": [tensor(rng, input_shape) for _ in range(2)]}


def main(out):
    rng = random.Random(20261127)
    s = []
    s.append(scenario(
        rng, "conv2d-same-even-kernel-avgpool",
        "5x5x2 images. Conv2D 3 filters 2x2 'same' relu (total padding 1: the odd pixel goes bottom/right in both "
        "frameworks) -> 5x5x3 -> AveragePooling 2 -> 2x2x3 -> Flatten (row permutation) -> Dense 1. SGD, mse.",
        [5, 5, 2], 8, [{"type": "conv2d", "filters": 3, "kernel_size": 2, "padding": "same", "activation": "relu"},
                       {"type": "avg_pool2d", "pool_size": 2}, {"type": "flatten"}, {"type": "dense", "units": 1}],
        1, 20, 0.05, 4))
    s.append(scenario(
        rng, "conv2d-stride2-global-avg",
        "6x6x1 images. Conv2D 4 filters 3x3 stride 2 'valid' tanh -> 2x2x4 -> GlobalAveragePooling2D "
        "(PyTorch: AdaptiveAvgPool2d(1) + Flatten) -> Dense 1. SGD, mse.",
        [6, 6, 1], 8, [{"type": "conv2d", "filters": 4, "kernel_size": 3, "strides": 2, "activation": "tanh"},
                       {"type": "global_avg_pool2d"}, {"type": "dense", "units": 1}],
        1, 20, 0.1, 8))
    s.append(scenario(
        rng, "conv2d-rect-kernel-global-max-softmax",
        "5x6x2 images, 3 classes. Conv2D 3 filters [3, 2] strides [1, 2] relu -> 3x3x3 -> GlobalMaxPooling2D -> "
        "Dense 3 softmax; categorical cross-entropy (PyTorch: CrossEntropyLoss on logits). SGD.",
        [5, 6, 2], 9, [{"type": "conv2d", "filters": 3, "kernel_size": [3, 2], "strides": [1, 2], "activation": "relu"},
                       {"type": "global_max_pool2d"}, {"type": "dense", "units": 3, "activation": "softmax"}],
        3, 15, 0.2, 3, classes=True))
    s.append(scenario(
        rng, "conv2d-nobias-maxpool-stride1",
        "4x4x1 images. Conv2D 2 filters 3x3 'same' without bias -> 4x4x2 -> MaxPooling 2 strides 1 -> 3x3x2 -> "
        "Flatten -> Dense 2 (two outputs). SGD, mse.",
        [4, 4, 1], 8, [{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "same", "use_bias": False},
                       {"type": "max_pool2d", "pool_size": 2, "strides": 1}, {"type": "flatten"},
                       {"type": "dense", "units": 2}],
        2, 20, 0.05, 4))
    s.append(scenario(
        rng, "conv1d-same-maxpool1d-flatten",
        "Signals of 7 steps x 2 channels (PyTorch: NCL). Conv1D 3 filters kernel 4 'same' relu (odd pixel after) -> "
        "7x3 -> MaxPooling1D 2 -> 3x3 -> Flatten (Keras LC order, PyTorch CL: rows permuted) -> Dense 1. SGD, mse.",
        [7, 2], 8, [{"type": "conv1d", "filters": 3, "kernel_size": 4, "padding": "same", "activation": "relu"},
                    {"type": "max_pool1d", "pool_size": 2}, {"type": "flatten"}, {"type": "dense", "units": 1}],
        1, 20, 0.05, 4))
    s.append(scenario(
        rng, "conv1d-stride2-avgpool1d-global-avg",
        "Signals of 9 steps x 2 channels. Conv1D 4 filters kernel 3 stride 2 -> 4x4 -> AveragePooling1D 2 strides 1 "
        "-> 3x4 -> GlobalAveragePooling1D -> Dense 1. SGD, mse.",
        [9, 2], 8, [{"type": "conv1d", "filters": 4, "kernel_size": 3, "strides": 2},
                    {"type": "avg_pool1d", "pool_size": 2, "strides": 1}, {"type": "global_avg_pool1d"},
                    {"type": "dense", "units": 1}],
        1, 20, 0.1, 8))
    s.append(scenario(
        rng, "conv2d-same-stride2-keras-only",
        "6x5x1 images. Conv2D 2 filters 3x3 stride 2 'same' (TensorFlow pads 1 bottom only on the height, 1 each "
        "side on the width) -> 3x3x2 -> AveragePooling 2 strides 1 -> 2x2x2 -> Flatten -> Dense 1. PyTorch has no "
        "'same' with a stride: its golden is the error. ('same' average pooling is not recorded: TensorFlow.js' "
        "gradient for it divides by the whole window, TensorFlow's by the cells inside.)",
        [6, 5, 1], 8, [{"type": "conv2d", "filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
                       {"type": "avg_pool2d", "pool_size": 2, "strides": 1}, {"type": "flatten"},
                       {"type": "dense", "units": 1}],
        1, 15, 0.05, 4))
    s.append(scenario(
        rng, "maxpool-same-keras-only",
        "5x5x1 images. Conv2D 2 filters 2x2 'valid' -> 4x4x2 -> MaxPooling 3 strides 2 'same' (pads bottom/right "
        "with -inf) -> 2x2x2 -> Flatten -> Dense 1. PyTorch pooling has no 'same': its golden is the error.",
        [5, 5, 1], 8, [{"type": "conv2d", "filters": 2, "kernel_size": 2},
                       {"type": "max_pool2d", "pool_size": 3, "strides": 2, "padding": "same"}, {"type": "flatten"},
                       {"type": "dense", "units": 1}],
        1, 15, 0.05, 4))
    os.makedirs(out, exist_ok=True)
    for e in s:
        write_scenario(out, e["name"], e)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/golden/scenarios/duet-v2")
