#!/usr/bin/python3
"""Writes the training-knob scenarios (issue 17) into tests/golden/scenarios/duet/knobs-*.json.

Each reuses the data and initial weights of the public v2 scenario
exponential-decay-vs-exponential-lr (a 2-5-1 tanh regression, 18 rows, batches of 6, in order)
and changes one knob on each side:

    python3 tools/golden/knob_scenarios.py tests/golden/scenarios/duet
    /usr/bin/python3 tools/golden/gen_torch.py tests/golden/scenarios/duet/knobs-*.json --out tests/golden/expected/duet
    /usr/bin/python3 tools/golden/gen_keras_rules.py tests/golden/scenarios/duet/knobs-*.json --out tests/golden/expected/duet
"""
import json
import os
import sys

from common import write_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "..", "tests", "golden", "scenarios", "public-v2",
                        "exponential-decay-vs-exponential-lr.json")

KNOBS = {
    "knobs-adamw": ("AdamW on both sides: Keras 3 decays v -= v * wd * lr before Adam (epsilon 1e-7 before bias "
                    "correction); PyTorch's AdamW p *= 1 - lr wd, eps 1e-8 after. Same weight_decay 0.1.",
                    {"optimizer": {"name": "adamw", "learning_rate": 0.05, "weight_decay": 0.1}},
                    {"optimizer": {"name": "adamw", "lr": 0.05, "weight_decay": 0.1}}),
    "knobs-decoupled-vs-coupled-decay": (
        "weight_decay 0.1 on Adam: Keras 3 decouples it (v -= v * wd * lr); PyTorch's Adam adds wd * p to the "
        "gradient, where Adam's moments rescale it.",
        {"optimizer": {"name": "adam", "learning_rate": 0.05, "weight_decay": 0.1}},
        {"optimizer": {"name": "adam", "lr": 0.05, "weight_decay": 0.1}}),
    "knobs-clipnorm-vs-clip-grad-norm": (
        "Norm 0.2: Keras' clipnorm limits each variable's gradient on its own inside SGD; PyTorch's "
        "clip_grad_norm_ limits all gradients together between backward and step.",
        {"optimizer": {"name": "sgd", "learning_rate": 0.3, "clipnorm": 0.2}},
        {"optimizer": {"name": "sgd", "lr": 0.3}, "clip_grad_norm": 0.2}),
    "knobs-global-clipnorm-and-clipvalue": (
        "Keras' global_clipnorm 0.2 over all gradients against PyTorch's clip_grad_value_(0.05) on each value.",
        {"optimizer": {"name": "sgd", "learning_rate": 0.3, "global_clipnorm": 0.2}},
        {"optimizer": {"name": "sgd", "lr": 0.3}, "clip_grad_value": 0.05}),
    "knobs-staircase-vs-step-lr": (
        "Keras ExponentialDecay(0.3, decay_steps 6, rate 0.5, staircase) halves every 6 steps (2 epochs); "
        "PyTorch StepLR(step_size 2, gamma 0.5) halves every 2 epochs: the same rates, one per step and one per epoch.",
        {"optimizer": {"name": "sgd", "learning_rate": {"schedule": "exponential_decay", "initial_learning_rate": 0.3,
                                                         "decay_steps": 6, "decay_rate": 0.5, "staircase": True}}},
        {"optimizer": {"name": "sgd", "lr": 0.3}, "scheduler": {"name": "step_lr", "step_size": 2, "gamma": 0.5}}),
    "knobs-piecewise-vs-multistep": (
        "Keras PiecewiseConstantDecay(boundaries [8, 20], values [0.3, 0.1, 0.03]) by step; PyTorch "
        "MultiStepLR(milestones [3, 7], gamma 0.3) by epoch.",
        {"optimizer": {"name": "sgd", "momentum": 0.5,
                       "learning_rate": {"schedule": "piecewise_constant_decay", "boundaries": [8, 20],
                                         "values": [0.3, 0.1, 0.03]}}},
        {"optimizer": {"name": "sgd", "lr": 0.3, "momentum": 0.5},
         "scheduler": {"name": "multistep_lr", "milestones": [3, 7], "gamma": 0.3}}),
}


def main():
    out = sys.argv[1]
    with open(TEMPLATE) as f:
        base = json.load(f)
    for name, (note, keras, torch) in KNOBS.items():
        e = {"name": name, "note": note, "data": base["data"], "layers": base["layers"],
             "initial_weights": base["initial_weights"], "seed": 0, "epochs": 12, "batch_size": 6, "shuffle": False,
             "keras": {**keras, "loss": "mse"}, "torch": {**torch, "loss": {"name": "mse", "reduction": "mean"}},
             "predict": base["predict"]}
        write_scenario(out, name, e)


if __name__ == "__main__":
    main()
