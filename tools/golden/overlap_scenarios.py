#!/usr/bin/env python3
"""Epsilon-0 copies of the scenarios whose Keras goldens come from gen_keras_rules.py.

With epsilon 0, tfjs' Adam (m_hat / sqrt(v_hat)) and Keras' (alpha m / sqrt(v)) are the same
rule, and so are tfjs' centred RMSprop (sqrt(ms - (mg^2 + eps))) and Keras 3's
(sqrt(ms - mg^2 + eps)). Running both generators on these copies checks every other part of
gen_keras_rules.py's Adam and centred branches (moments, bias correction, centring, momentum)
against TensorFlow.js; the epsilon placement itself is checked by gen_keras_rules.py --selftest.

    python3 tools/golden/overlap_scenarios.py /tmp/overlap
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "..", "tests", "golden", "scenarios", "duet")
RULE_BASED = ["adam", "adam-large-epsilon", "rmsprop-centered"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in RULE_BASED:
        with open(os.path.join(SCENARIOS, name + ".json")) as f:
            e = json.load(f)
        e["name"] = name + "-epsilon-0"
        e["keras"]["optimizer"]["epsilon"] = 0.0
        with open(os.path.join(out, e["name"] + ".json"), "w") as f:
            json.dump(e, f, indent=1)
        print("wrote", e["name"])


if __name__ == "__main__":
    main()
