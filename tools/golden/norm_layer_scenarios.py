#!/usr/bin/python3
"""Writes issue 15's layer scenarios into tests/golden/scenarios/duet-v2/norm-*.json: batch norm
after a convolution without bias (training with batch statistics, predictions with the moving
ones, each framework's defaults), layer norm after a dense layer, and dense layers without bias.

    python3 tools/golden/norm_layer_scenarios.py tests/golden/scenarios/duet-v2
    /usr/bin/python3 tools/golden/gen_torch.py tests/golden/scenarios/duet-v2/norm-*.json --out tests/golden/expected/duet-v2
    node tools/golden/gen_keras.mjs tests/golden/scenarios/duet-v2/norm-*.json --out tests/golden/expected/duet-v2

Both sides come from the real frameworks (PyTorch 1.13; TensorFlow.js 4.22, whose batch and layer
normalisation are Keras 3's). Weights are drawn here (uniform, seeded) in Keras' layout.
"""
import random
import sys

from common import write_scenario


def uniform(rng, shape, lo, hi):
    if len(shape) == 1:
        return [round(rng.uniform(lo, hi), 4) for _ in range(shape[0])]
    return [uniform(rng, shape[1:], lo, hi) for _ in range(shape[0])]


def scenarios(rng):
    out = {}
    # 12 images 4 x 4 x 2 -> conv2d 3 filters 2x2 (no bias) -> batch norm -> relu -> global avg -> dense 1.
    x = uniform(rng, [12, 4, 4, 2], -1.0, 1.0)
    y = [[round(sum(p[0] for row in img for p in row) / 16 - 0.3 * img[0][0][1], 4)] for img in x]
    out["norm-conv2d-batchnorm"] = (
        "conv2d 2x2 without bias -> batch_norm over the channels (Keras momentum 0.99, epsilon 1e-3; PyTorch "
        "BatchNorm2d momentum 0.1, eps 1e-5, running_var from the unbiased variance) -> relu -> global average -> "
        "dense 1. Training normalises with batch statistics; predictions use the moving ones, which the defaults "
        "make differ. Non-trivial initial moving statistics.",
        x, y,
        [{"type": "conv2d", "filters": 3, "kernel_size": 2, "use_bias": False}, {"type": "batch_norm"},
         {"type": "activation", "activation": "relu"}, {"type": "global_avg_pool2d"}, {"type": "dense", "units": 1}],
        [{"kernel": uniform(rng, [2, 2, 2, 3], -0.5, 0.5)},
         {"gamma": uniform(rng, [3], 0.8, 1.2), "beta": uniform(rng, [3], -0.1, 0.1),
          "moving_mean": uniform(rng, [3], -0.2, 0.2), "moving_variance": uniform(rng, [3], 0.5, 1.5)},
         {}, {}, {"kernel": uniform(rng, [3, 1], -0.8, 0.8), "bias": [0.05]}])
    x = uniform(rng, [12, 3], -1.0, 1.0)
    y = [[round(r[0] * r[1] - 0.5 * r[2], 4)] for r in x]
    out["norm-dense-layernorm"] = (
        "dense 5 -> layer_norm over the features (Keras epsilon 1e-3, PyTorch LayerNorm eps 1e-5) -> tanh -> "
        "dense 1.",
        x, y,
        [{"type": "dense", "units": 5}, {"type": "layer_norm"}, {"type": "activation", "activation": "tanh"},
         {"type": "dense", "units": 1}],
        [{"kernel": uniform(rng, [3, 5], -0.8, 0.8), "bias": uniform(rng, [5], -0.1, 0.1)},
         {"gamma": uniform(rng, [5], 0.8, 1.2), "beta": uniform(rng, [5], -0.1, 0.1)}, {},
         {"kernel": uniform(rng, [5, 1], -0.8, 0.8), "bias": [0.0]}])
    x = uniform(rng, [12, 3], -1.0, 1.0)
    y = [[round(abs(r[0]) + 0.5 * r[1] - r[2], 4)] for r in x]
    out["norm-dense-no-bias"] = (
        "use_bias false: dense 4 relu and dense 1, neither with a bias (Keras reports only the kernel; PyTorch "
        "Linear(bias=False)).",
        x, y,
        [{"type": "dense", "units": 4, "activation": "relu", "use_bias": False},
         {"type": "dense", "units": 1, "use_bias": False}],
        [{"kernel": uniform(rng, [3, 4], -0.8, 0.8)}, {"kernel": uniform(rng, [4, 1], -0.8, 0.8)}])
    return out


def main():
    out_dir = sys.argv[1]
    rng = random.Random(15)
    for name, (note, x, y, layers, weights) in scenarios(rng).items():
        e = {"name": name, "note": note, "data": {"x": x, "y": y}, "layers": layers, "initial_weights": weights,
             "seed": 0, "epochs": 6, "batch_size": 4, "shuffle": False,
             "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": "mse"},
             "torch": {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "mse", "reduction": "mean"}},
             "predict": x[:4]}
        write_scenario(out_dir, name, e, indent=None)


if __name__ == "__main__":
    main()
