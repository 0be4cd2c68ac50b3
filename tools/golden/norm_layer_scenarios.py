#!/usr/bin/python3
"""Writes issue 15's layer scenarios into tests/golden/scenarios/duet-v2/norm-*.json: batch norm
after a convolution without bias (training with batch statistics, predictions with the moving
ones, each framework's defaults), layer norm after a dense layer, on images (after a conv2d), on a
channels-first signal (after a first conv1d) and on LSTM sequences, and dense layers without bias.

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
    out.update(layer_norm_beyond_features(rng))
    return out


def layer_norm_beyond_features(rng):
    """Layer norm where PyTorch's layout of the sample is not Keras': images and signals, which
    PyTorch holds channels-first (LayerNorm runs between permutes), and batch-first LSTM
    sequences (LayerNorm on the last dim as it is). The conv outputs are square (3 positions per
    spatial axis, 3 channels), so a LayerNorm over the wrong axis runs and gives wrong numbers
    rather than a shape error."""
    out = {}
    # 12 images 4 x 4 x 2 -> conv2d 3 filters 2x2 -> [3, 3, 3] -> layer norm -> flatten -> dense 1.
    x = uniform(rng, [12, 4, 4, 2], -1.0, 1.0)
    y = [[round(img[1][1][0] - img[2][2][1] + 0.25 * sum(p[0] for row in img for p in row) / 16, 4)] for img in x]
    out["norm-conv2d-layernorm"] = (
        "conv2d 2x2 -> layer_norm over each pixel's channels (Keras LayerNormalization(axis=-1), epsilon 1e-3; "
        "PyTorch holds NCHW: permute to NHWC, LayerNorm(3, eps=1e-5), permute back) -> flatten -> dense 1.",
        x, y,
        [{"type": "conv2d", "filters": 3, "kernel_size": 2}, {"type": "layer_norm"}, {"type": "flatten"},
         {"type": "dense", "units": 1}],
        [{"kernel": uniform(rng, [2, 2, 2, 3], -0.5, 0.5), "bias": uniform(rng, [3], -0.1, 0.1)},
         {"gamma": uniform(rng, [3], 0.8, 1.2), "beta": uniform(rng, [3], -0.1, 0.1)}, {},
         {"kernel": uniform(rng, [27, 1], -0.15, 0.15), "bias": [0.0]}])
    # 12 signals of 5 steps x 2 -> conv1d 3 filters, kernel 3 -> [3, 3] -> layer norm -> flatten -> dense 1.
    x = uniform(rng, [12, 5, 2], -1.0, 1.0)
    y = [[round(s[2][0] - 0.5 * s[0][1] + 0.3 * s[4][0], 4)] for s in x]
    out["norm-conv1d-layernorm"] = (
        "conv1d (first layer: PyTorch holds NCL) -> layer_norm over each step's channels (PyTorch: transpose to "
        "NLC, LayerNorm(3), transpose back) -> flatten -> dense 1.",
        x, y,
        [{"type": "conv1d", "filters": 3, "kernel_size": 3}, {"type": "layer_norm"}, {"type": "flatten"},
         {"type": "dense", "units": 1}],
        [{"kernel": uniform(rng, [3, 2, 3], -0.6, 0.6), "bias": uniform(rng, [3], -0.1, 0.1)},
         {"gamma": uniform(rng, [3], 0.8, 1.2), "beta": uniform(rng, [3], -0.1, 0.1)}, {},
         {"kernel": uniform(rng, [9, 1], -0.5, 0.5), "bias": [0.0]}])
    # 12 sequences of 4 steps x 2 -> LSTM 3 (return_sequences) -> layer norm -> SimpleRNN 2 -> dense 1.
    x = uniform(rng, [12, 4, 2], -1.0, 1.0)
    y = [[round(sum(s[0] - 0.5 * s[1] for s in row) / 4, 4)] for row in x]
    out["norm-lstm-layernorm"] = (
        "lstm 3 with return_sequences (PyTorch batch_first: [N, L, C]) -> layer_norm over each step's features "
        "(LayerNorm(3) on the last dim as it is) -> simple_rnn 2 -> dense 1.",
        x, y,
        [{"type": "lstm", "units": 3, "return_sequences": True}, {"type": "layer_norm"},
         {"type": "simple_rnn", "units": 2}, {"type": "dense", "units": 1}],
        [{"kernel": uniform(rng, [2, 12], -0.6, 0.6), "recurrent_kernel": uniform(rng, [3, 12], -0.6, 0.6),
          "bias": uniform(rng, [12], -0.1, 0.1)},
         {"gamma": uniform(rng, [3], 0.8, 1.2), "beta": uniform(rng, [3], -0.1, 0.1)},
         {"kernel": uniform(rng, [3, 2], -0.6, 0.6), "recurrent_kernel": uniform(rng, [2, 2], -0.6, 0.6),
          "bias": uniform(rng, [2], -0.1, 0.1)},
         {"kernel": uniform(rng, [2, 1], -0.8, 0.8), "bias": [0.05]}])
    return out


# SGD's step size, 0.1 unless listed. The image scenario's dense layer reads 27 normalised
# features: at 0.1 it trains at the edge of stability, where float32 rounding grows (PyTorch in
# float32 and float64 end 9e-6 apart, twice the golden tolerance); at 0.05 they agree to 2e-7.
LEARNING_RATES = {"norm-conv2d-layernorm": 0.05}


def main():
    out_dir = sys.argv[1]
    rng = random.Random(15)
    for name, (note, x, y, layers, weights) in scenarios(rng).items():
        e = {"name": name, "note": note, "data": {"x": x, "y": y}, "layers": layers, "initial_weights": weights,
             "seed": 0, "epochs": 6, "batch_size": 4, "shuffle": False,
             "keras": {"optimizer": {"name": "sgd", "learning_rate": LEARNING_RATES.get(name, 0.1)}, "loss": "mse"},
             "torch": {"optimizer": {"name": "sgd", "lr": LEARNING_RATES.get(name, 0.1)},
                       "loss": {"name": "mse", "reduction": "mean"}},
             "predict": x[:4]}
        write_scenario(out_dir, name, e, indent=None)


if __name__ == "__main__":
    main()
