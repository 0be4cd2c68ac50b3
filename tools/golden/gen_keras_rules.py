#!/usr/bin/python3
"""Keras goldens where TensorFlow.js is not Keras: Keras 3's update rules re-implemented in float32.

TensorFlow.js departs from Keras 3 for Adam (epsilon placement) and centred RMSprop, so
gen_keras.mjs writes no Keras golden there. This script computes the forward pass and gradients
with PyTorch's autograd in float32 (the same arithmetic as any framework) and applies the update
rules exactly as keras/src/optimizers/{sgd,adam,rmsprop,adagrad}.py write them, in float32.
Validation: pointed at the scenarios that TensorFlow.js does cover, it must reproduce those
goldens within the test tolerances (--check DIR does that).

    /usr/bin/python3 tools/golden/gen_keras_rules.py tests/golden/scenarios/duet/{adam,rmsprop-centered}.json \
        --out tests/golden/expected/duet
    /usr/bin/python3 tools/golden/gen_keras_rules.py tests/golden/scenarios/duet/*.json --check tests/golden/expected/duet
    /usr/bin/python3 tools/golden/gen_keras_rules.py --selftest

Every branch of KerasRules is validated one of two ways:
- against TensorFlow.js where its rule is Keras' (--check; only goldens written by gen_keras.mjs
  count, in tests/golden/expected/{public,duet}): plain SGD, SGD with momentum and Nesterov,
  plain RMSprop, Adagrad, mse and mae; and, on epsilon-0 copies of the Adam and centred-RMSprop
  scenarios (overlap_scenarios.py), where tfjs' own rules equal Keras', Adam's moments and bias
  correction and centred RMSprop with momentum (--check-overlap, against gen_keras.mjs
  --tfjs-rules);
- by steps worked by hand from keras/src/optimizers/*.py (--selftest) for what TensorFlow.js
  cannot show: where Adam's and RMSprop's epsilon enter, amsgrad, centred RMSprop with momentum,
  Adagrad's epsilon inside the root, Nesterov momentum in the velocity form.
"""
import argparse
import json
import os

import torch

import keras3_sequence
import keras_knobs
from common import batch_size, load_experiment, train_in_order, write_report

ACT = {"linear": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
       "softmax": lambda t: torch.softmax(t, dim=-1)}
ACT.update(__import__("keras3_activations").ACT)  # issue 15's activations (keras3_activations.py)


class KerasRules:
    """keras/src/optimizers/*.py update_step, float32, one state slot per variable."""

    def __init__(self, cfg):
        self.knobs = keras_knobs.Knobs(cfg)
        cfg = self.knobs.rest
        self.name = keras_knobs.RULE_OF.get(cfg["name"], cfg["name"])
        defaults = {"sgd": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
                    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
                    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
                    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7}}[self.name]
        self.c = {**defaults, **{k: v for k, v in cfg.items() if k != "name"}}
        self.state = {}
        self.iterations = 0

    def f(self, v):
        return torch.tensor(v, dtype=torch.float32)

    def apply(self, variables):
        grads = self.knobs.prepare(self, variables)
        self.iterations += 1
        for i, var in enumerate(variables):
            g = grads[i]
            s = self.state.setdefault(i, {})
            with torch.no_grad():
                getattr(self, "_" + self.name)(var, g, s)

    def _sgd(self, var, g, s):
        lr, m = self.f(self.c["learning_rate"]), self.f(self.c["momentum"])
        if self.c["momentum"] == 0:
            var -= lr * g
            return
        v = s.setdefault("v", torch.zeros_like(var))
        v.copy_(m * v - lr * g)
        var += (m * v - lr * g) if self.c["nesterov"] else v

    def _adam(self, var, g, s):
        lr = self.f(self.c["learning_rate"])
        b1, b2, eps = self.f(self.c["beta_1"]), self.f(self.c["beta_2"]), self.f(self.c["epsilon"])
        step = self.f(self.iterations)
        b1p, b2p = torch.pow(b1, step), torch.pow(b2, step)
        m = s.setdefault("m", torch.zeros_like(var))
        v = s.setdefault("v", torch.zeros_like(var))
        alpha = lr * torch.sqrt(1 - b2p) / (1 - b1p)
        m += (g - m) * (1 - b1)
        v += (g * g - v) * (1 - b2)
        if self.c["amsgrad"]:
            vh = s.setdefault("vh", torch.zeros_like(var))
            vh.copy_(torch.maximum(vh, v))
            v = vh
        var -= (m * alpha) / (torch.sqrt(v) + eps)

    def _rmsprop(self, var, g, s):
        lr, rho = self.f(self.c["learning_rate"]), self.f(self.c["rho"])
        mom, eps = self.f(self.c["momentum"]), self.f(self.c["epsilon"])
        vel = s.setdefault("vel", torch.zeros_like(var))
        vel.copy_(rho * vel + (1 - rho) * g * g)
        if self.c["centered"]:
            ag = s.setdefault("ag", torch.zeros_like(var))
            ag.copy_(rho * ag + (1 - rho) * g)
            denom = vel - ag * ag + eps
        else:
            denom = vel + eps
        inc = lr * g / torch.sqrt(denom)
        if self.c["momentum"] > 0:
            mb = s.setdefault("mb", torch.zeros_like(var))
            mb.copy_(mom * mb + inc)
            var -= mb
        else:
            var -= inc

    def _adagrad(self, var, g, s):
        lr, eps = self.f(self.c["learning_rate"]), self.f(self.c["epsilon"])
        acc = s.setdefault("acc", torch.full_like(var, self.c["initial_accumulator_value"]))
        acc += g * g
        var -= lr * g / torch.sqrt(acc + eps)


def keras_loss(name, y_true, y_pred):
    """Per sample over the last axis, then the batch mean (regression losses)."""
    if name in ("mse", "mean_squared_error"):
        return ((y_pred - y_true) ** 2).mean(dim=-1).mean()
    if name in ("mae", "mean_absolute_error"):
        return (y_pred - y_true).abs().mean(dim=-1).mean()
    raise SystemExit("gen_keras_rules.py covers regression losses only, not " + name)


def run(e):
    if keras3_sequence.handles(e):  # issue 16's sequence layers: keras3_sequence.py
        return keras3_sequence.run(e, KerasRules, keras_loss, ACT, batch_size)
    weights = []
    for w in e["initial_weights"]:
        weights.append(torch.tensor(w["kernel"], dtype=torch.float32, requires_grad=True))
        weights.append(torch.tensor(w["bias"], dtype=torch.float32, requires_grad=True))
    acts = [layer.get("activation", "linear") for layer in e["layers"]]

    def model(x):
        for i, act in enumerate(acts):
            x = ACT[act](x @ weights[2 * i] + weights[2 * i + 1])
        return x

    loss_name = e["keras"].get("loss", "mean_squared_error")
    opt = KerasRules(e["keras"].get("optimizer", {"name": "sgd"}))
    x = torch.tensor(e["data"]["x"], dtype=torch.float32)
    y = torch.tensor(e["data"]["y"], dtype=torch.float32)
    step = keras3_sequence.rules_step(model, weights, opt, keras_loss, loss_name)
    history = train_in_order(x, y, e["epochs"], batch_size(e, "keras"), step)
    with torch.no_grad():
        pred = model(torch.tensor(e.get("predict", e["data"]["x"]), dtype=torch.float32))
    return {"predictions": pred.tolist(), "loss_history": history,
            "weights": [{"kernel": weights[i].detach().tolist(), "bias": weights[i + 1].detach().tolist()}
                        for i in range(0, len(weights), 2)]}


# (rule config, gradients applied to one variable starting at 0, the variable afterwards). The
# expected values were worked out in double from keras/src/optimizers/{adam,rmsprop,adagrad,sgd}.py
# (Keras 3) independently of KerasRules; the arithmetic is in each comment.
HAND_WORKED_STEPS = [
    # Adam, epsilon hat: alpha = lr sqrt(1 - b2) / (1 - b1) = 0.1 sqrt(0.001) / 0.1; m = 0.05,
    # v = 0.00025; step = alpha m / (sqrt(v) + 0.1) = 0.0316228 * 0.05 / 0.1158114 = 0.0136527
    ({"name": "adam", "learning_rate": 0.1, "epsilon": 0.1}, [0.5], -0.0136527059),
    # Adam, two steps, default epsilon: step 1 ~ lr = 0.0999994; m2 = 0.02, v2 = 0.00031225,
    # alpha2 = 0.1 sqrt(0.001999) / 0.19; step 2 = alpha2 * 0.02 / (sqrt(v2) + 1e-7) = 0.0266335
    ({"name": "adam", "learning_rate": 0.1}, [0.5, -0.25], -0.1266329208),
    # amsgrad with beta_2 0.5: v1 = 50, v2 = 25.005, v_hat stays 50; m2 = 0.91,
    # alpha2 = 0.1 sqrt(0.75) / 0.19; step 2 = 0.4558028 * 0.91 / sqrt(50) = 0.0586588
    ({"name": "adam", "learning_rate": 0.1, "beta_2": 0.5, "amsgrad": True}, [10.0, 0.1], -0.1586588311),
    # RMSprop, epsilon inside the root: v = 0.4, 0.1 * 2 / sqrt(0.4 + 0.5) = 0.2108185
    ({"name": "rmsprop", "learning_rate": 0.1, "epsilon": 0.5}, [2.0], -0.2108185107),
    # centred RMSprop with momentum 0.5, g = 2 then 1: v1 = 0.4, gbar1 = 0.2, inc1 = 0.2 / sqrt(0.86);
    # v2 = 0.46, gbar2 = 0.28, inc2 = 0.1 / sqrt(0.46 - 0.0784 + 0.5); b2 = 0.5 inc1 + inc2; p = -(inc1 + b2)
    ({"name": "rmsprop", "learning_rate": 0.1, "epsilon": 0.5, "centered": True, "momentum": 0.5}, [2.0, 1.0],
     -0.4300019003),
    # Adagrad: accumulator 0.1 + 4, 0.001 * 2 / sqrt(4.1 + 1e-7) = 0.00098773
    ({"name": "adagrad"}, [2.0], -0.0009877295846),
    # Adagrad, epsilon 1 inside the root: 0.1 * 2 / sqrt(4.1 + 1) + 0.1 * 1 / sqrt(5.1 + 1) = 0.1290503
    ({"name": "adagrad", "learning_rate": 0.1, "epsilon": 1.0}, [2.0, 1.0], -0.1290503051),
    # SGD, Nesterov in the velocity form: v1 = -0.1, p1 = 0.9 v1 - 0.1 = -0.19; v2 = -0.19,
    # p2 = p1 + 0.9 v2 - 0.1 = -0.461
    ({"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, [1.0, 1.0], -0.461),
    # SGD momentum: v = -0.1, -0.19 -> p = -0.29
    ({"name": "sgd", "learning_rate": 0.1, "momentum": 0.9}, [1.0, 1.0], -0.29),
]


def selftest():
    failed = 0
    for cfg, start, grads, want in keras_knobs.HAND_WORKED_STEPS:
        opt = KerasRules(cfg)
        var = torch.tensor([start], dtype=torch.float32)
        for g in grads:
            var.grad = torch.tensor([g], dtype=torch.float32)
            opt.apply([var])
        ok = abs(var.item() - want) <= 2e-6 * max(1.0, abs(want))
        failed += not ok
        print("ok  " if ok else "FAIL", cfg, "from", start, "gradients", grads, "->", var.item(), "(hand-worked %.10g)" % want)
    for cfg, grads, want in HAND_WORKED_STEPS:
        opt = KerasRules(cfg)
        var = torch.zeros(1, dtype=torch.float32)
        for g in grads:
            var.grad = torch.tensor([g], dtype=torch.float32)
            opt.apply([var])
        got = var.item()
        ok = abs(got - want) <= 2e-6 * max(1.0, abs(want))
        failed += not ok
        print("ok  " if ok else "FAIL", cfg, "gradients", grads, "->", got, "(hand-worked %.10g)" % want)
    return failed


def close(a, b, rel):
    if isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rel) for x, y in zip(a, b))
    return abs(a - b) <= rel * max(1.0, abs(b))


def compare(result, want, rel=1e-4):
    return close(result["predictions"], want["predictions"], rel) and all(
        close(g["kernel"], w["kernel"], rel) and close(g["bias"], w["bias"], rel)
        for g, w in zip(result["weights"], want["weights"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--out")
    ap.add_argument("--check", help="compare with the TensorFlow.js Keras goldens in this folder instead of writing")
    ap.add_argument("--check-overlap",
                    help="compare with tfjs' own rules (gen_keras.mjs --tfjs-rules output) in this folder")
    ap.add_argument("--selftest", action="store_true", help="replay the steps worked by hand from Keras 3's source")
    a = ap.parse_args()
    if a.selftest:
        return 1 if selftest() else 0
    failed = 0
    for path in a.scenarios:
        name = os.path.splitext(os.path.basename(path))[0]
        e = load_experiment(path)
        loss = e["keras"].get("loss", "mean_squared_error")
        if isinstance(loss, dict) or loss not in ("mse", "mean_squared_error", "mae", "mean_absolute_error"):
            print("skip", name, "(not a regression loss)")
            continue
        result = run(e)
        if a.check or a.check_overlap:
            golden = os.path.join(a.check or a.check_overlap, name + ".keras.json")
            if not os.path.exists(golden):
                print("skip", name, "(no TensorFlow.js output)")
                continue
            with open(golden) as f:
                want = json.load(f)
            if want.get("generator") != "gen_keras.mjs":
                print("skip", name, "(its golden comes from", want.get("generator"), "- not a check)")
                continue
            ok = compare(result, want)
            failed += not ok
            print("ok  " if ok else "FAIL", name, "matches TensorFlow.js" if ok else "differs from TensorFlow.js")
            continue
        report = {"scenario": name, "side": "keras",
                  "framework": "Keras 3 update rules re-implemented in float32 on PyTorch %s autograd" % torch.__version__,
                  "generator": "gen_keras_rules.py", "dtype": "float32",
                  "source": "not TensorFlow.js, whose rule differs from Keras 3 here: Keras 3's update rules "
                            "re-implemented in float32; validated as tools/golden/gen_keras_rules.py describes"}
        report.update(result)
        write_report(os.path.join(a.out, name + ".keras.json"), report)
        print("wrote", name)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
