#!/usr/bin/env python3
"""Writes the golden experiment files of issue 15's activations into tests/golden/scenarios/duet/
(act-*.json). Standard library only; make_scenarios.py's helpers.

    python3 tools/golden/norm_scenarios.py tests/golden/scenarios/duet

One scenario per activation: Dense(3 -> 4, activation) -> Dense(1), mse, SGD lr 0.1, batches of 8
in order, inputs on both sides of every kink. Each side uses its framework's own defaults for the
name (leaky_relu: Keras 3's function 0.2, PyTorch 0.01; gelu exact on both; hard_sigmoid:
relu6(x + 3) / 6 on both, which TensorFlow.js does not compute, so that Keras golden comes from
gen_keras_rules.py), so where the defaults differ the two goldens differ by design.
"""
import math
import os
import random
import sys

from common import write_scenario
from make_scenarios import r, scenario, weights

ACTIVATIONS = ["elu", "selu", "gelu", "leaky_relu", "softplus", "swish", "hard_sigmoid"]


def main(out):
    rng = random.Random(20261127)
    x = [[r(rng, -3, 3), r(rng, -3, 3), r(rng, -3, 3)] for _ in range(16)]
    y = [[round(math.tanh(a) - 0.4 * b + 0.2 * c * c, 4)] for a, b, c in x]
    init = weights(rng, [3, 4, 1], scale=0.8)
    os.makedirs(out, exist_ok=True)
    for act in ACTIVATIONS:
        name, body = scenario(
            "act-" + act.replace("_", "-"),
            "Dense(4, activation='%s') -> Dense(1), SGD 0.1, batches of 8: each framework's own %s "
            "(docs/framework-differences.md, activation defaults)." % (act, act),
            x, y, [{"units": 4, "activation": act}, {"units": 1}], init, 15,
            {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "loss": "mse"},
            {"optimizer": {"name": "sgd", "lr": 0.1}, "loss": {"name": "mse"}},
            [[-2.5, 0.0, 2.5], [1.0, -1.0, 0.5], [3.0, 3.0, -3.0]], batch_size=8)
        write_scenario(out, name, body)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/golden/scenarios/duet")
