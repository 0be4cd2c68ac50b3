#!/usr/bin/python3
"""Writes the loss-knob scenarios of issue 17 (label smoothing, class weights) into
tests/golden/scenarios/duet/loss-knobs-*.json.

Each reuses the data and initial weights of one of Duet's classification scenarios (softmax-cce,
sparse-ce, bce-logits; make_scenarios.py) with 8 epochs, and sets one loss knob on each side:

    python3 tools/golden/loss_knob_scenarios.py tests/golden/scenarios/duet
    /usr/bin/python3 tools/golden/gen_torch.py tests/golden/scenarios/duet/loss-knobs-*.json --out tests/golden/expected/duet
    node tools/golden/gen_keras.mjs tests/golden/scenarios/duet/loss-knobs-*.json --out tests/golden/expected/duet

The Keras goldens come from TensorFlow.js (keras_loss_knobs.mjs says how each knob is expressed
there); the PyTorch goldens from real PyTorch (torch_knobs.py's loss options).
"""
import json
import os
import sys

from common import write_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
DUET = os.path.join(HERE, "..", "..", "tests", "golden", "scenarios", "duet")

# name: (template, note, last activation or None to keep, keras section, torch section)
SCENARIOS = {
    "loss-knobs-cce-label-smoothing": (
        "softmax-cce",
        "label_smoothing 0.1 with a softmax output: Keras mixes the one-hot targets with 1/C before its "
        "cross-entropy on probabilities; PyTorch's CrossEntropyLoss(label_smoothing=0.1) adds 0.1/C times the "
        "sum of -log p to 0.9 times the class-index loss: the same loss, computed two ways.",
        None,
        {"loss": {"name": "categorical_crossentropy", "label_smoothing": 0.1}},
        {"loss": {"name": "cross_entropy", "label_smoothing": 0.1}}),
    "loss-knobs-cce-logits-label-smoothing": (
        "softmax-cce",
        "label_smoothing 0.2 on logits: Keras categorical_crossentropy(from_logits=True) with a linear last "
        "layer against PyTorch's CrossEntropyLoss(label_smoothing=0.2); predictions are logits on both sides.",
        "linear",
        {"loss": {"name": "categorical_crossentropy", "from_logits": True, "label_smoothing": 0.2}},
        {"loss": {"name": "cross_entropy", "label_smoothing": 0.2}}),
    "loss-knobs-bce-label-smoothing": (
        "bce-logits",
        "Binary label smoothing 0.2 exists only in Keras (targets moved towards 0.5: y 0.8 + 0.1); PyTorch's "
        "BCEWithLogitsLoss has no label_smoothing, so its side trains on the hard targets.",
        None,
        {"loss": {"name": "binary_crossentropy", "label_smoothing": 0.2}},
        {"loss": {"name": "bce_with_logits"}}),
    "loss-knobs-class-weight-vs-ce-weight": (
        "sparse-ce",
        "Class weights 1, 3, 0.5: Keras' class_weight scales each sample's loss and divides by the batch size; "
        "PyTorch's CrossEntropyLoss(weight) divides by the sum of the samples' class weights.",
        None,
        {"loss": "sparse_categorical_crossentropy", "class_weight": {"0": 1.0, "1": 3.0, "2": 0.5}},
        {"loss": {"name": "cross_entropy", "weight": [1.0, 3.0, 0.5]}}),
    "loss-knobs-class-weight-vs-pos-weight": (
        "bce-logits",
        "Positives weighted 2.5: Keras' class_weight {0: 1, 1: 2.5} scales whole samples of class 1; PyTorch's "
        "BCEWithLogitsLoss(pos_weight=2.5) scales only the positive term of each element's loss. With hard 0/1 "
        "targets and one output the two are the same loss, each divided by the batch size, so the sides agree.",
        None,
        {"loss": "binary_crossentropy", "class_weight": {"0": 1.0, "1": 2.5}},
        {"loss": {"name": "bce_with_logits", "pos_weight": [2.5]}}),
}


def main():
    out = sys.argv[1]
    for name, (template, note, last_activation, keras, torch) in SCENARIOS.items():
        with open(os.path.join(DUET, template + ".json")) as f:
            base = json.load(f)
        layers = [dict(layer) for layer in base["layers"]]
        if last_activation is not None:
            layers[-1]["activation"] = last_activation
        e = {"name": name, "note": note, "data": base["data"], "layers": layers,
             "initial_weights": base["initial_weights"], "seed": 0, "epochs": 8, "batch_size": base["batch_size"],
             "shuffle": False,
             "keras": {"optimizer": base["keras"]["optimizer"], **keras},
             "torch": {"optimizer": base["torch"]["optimizer"], **torch},
             "predict": base["predict"]}
        write_scenario(out, name, e)


if __name__ == "__main__":
    main()
