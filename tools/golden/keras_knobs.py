"""Keras 3's base-optimizer knobs for gen_keras_rules.py (issue 17), re-implemented in float32 from
keras/src/optimizers/base_optimizer.py and schedules/learning_rate_schedule.py: a schedule as the
learning rate, evaluated at `iterations` (0 for the first update); clipnorm per variable,
global_clipnorm, clipvalue; decoupled weight_decay (v -= v * wd * lr) before the update; AdamW as
Adam with weight_decay 0.004. TensorFlow.js has none of these, so what it cannot check is checked
by the hand-worked steps in HAND_WORKED_STEPS (gen_keras_rules.py --selftest)."""
import math

import torch

BASE_KEYS = ("weight_decay", "clipnorm", "global_clipnorm", "clipvalue")
DEFAULTS = {"adamw": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}}
RULE_OF = {"adamw": "adam"}  # AdamW's update is Adam's; the decay is the base optimizer's


def f32(v):
    return torch.tensor(v, dtype=torch.float32)


def schedule_value(s, step):
    """learning_rate_schedule.py, in float32."""
    kind = s["schedule"]
    if kind == "piecewise_constant_decay":
        for b, v in zip(s["boundaries"], s["values"]):
            if step <= b:
                return f32(v)
        return f32(s["values"][-1])
    init = f32(s["initial_learning_rate"])
    p = f32(step) / f32(s["decay_steps"])
    if kind in ("exponential_decay", "inverse_time_decay"):
        if s.get("staircase", False):
            p = torch.floor(p)
        if kind == "exponential_decay":
            return init * torch.pow(f32(s["decay_rate"]), p)
        return init / (1 + f32(s["decay_rate"]) * p)
    if kind == "cosine_decay":
        alpha = f32(s.get("alpha", 0.0))
        frac = torch.minimum(f32(step), f32(s["decay_steps"])) / f32(s["decay_steps"])
        return init * ((1 - alpha) * 0.5 * (1 + torch.cos(f32(math.pi) * frac)) + alpha)
    raise SystemExit("unknown schedule " + kind)


class Knobs:
    def __init__(self, cfg):
        """Takes the knob keys out of `cfg` (an optimizer config); returns through .rest the others."""
        rest = dict(cfg)
        self.name = rest["name"]
        self.schedule = rest.pop("learning_rate") if isinstance(rest.get("learning_rate"), dict) else None
        self.c = {k: rest.pop(k) for k in BASE_KEYS if k in rest}
        if self.name == "adamw":
            self.c.setdefault("weight_decay", 0.004)
        self.rest = rest

    def prepare(self, rules, variables):
        """Before Keras' update step: this step's learning rate into rules.c, the clipped gradients
        (returned), and the decay applied to the variables."""
        if self.schedule is not None:
            rules.c["learning_rate"] = schedule_value(self.schedule, rules.iterations).item()
        grads = [v.grad.clone() for v in variables]
        if self.c.get("clipnorm"):
            c = f32(self.c["clipnorm"])
            grads = [g * c / torch.maximum(torch.sqrt((g * g).sum()), c) for g in grads]
        elif self.c.get("global_clipnorm"):
            c = f32(self.c["global_clipnorm"])
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
            scale = c * torch.minimum(1 / norm, 1 / c)
            grads = [g * scale for g in grads]
        elif self.c.get("clipvalue"):
            c = self.c["clipvalue"]
            grads = [torch.clamp(g, -c, c) for g in grads]
        wd = self.c.get("weight_decay")
        if wd:
            lr, wd = f32(rules.c["learning_rate"]), f32(wd)
            with torch.no_grad():
                for v in variables:
                    v -= v * wd * lr
        return grads


# (rule config, gradients applied to one variable starting at `start`, the variable afterwards),
# worked by hand from base_optimizer.py and learning_rate_schedule.py.
HAND_WORKED_STEPS = [
    # AdamW lr 0.1, wd 0.5, epsilon 0 from 2 with g = 3: 2 - 2 * 0.5 * 0.1 = 1.9, then Adam's first
    # step is lr * sign(g): 1.8.
    ({"name": "adamw", "learning_rate": 0.1, "weight_decay": 0.5, "epsilon": 0.0}, 2.0, [3.0], 1.8),
    # SGD lr 1, clipnorm 1 on g = -5: clipped to -1 -> 1.
    ({"name": "sgd", "learning_rate": 1.0, "clipnorm": 1.0}, 0.0, [-5.0], 1.0),
    # clipvalue 0.5 on g = 2, lr 0.1: -0.05.
    ({"name": "sgd", "learning_rate": 0.1, "clipvalue": 0.5}, 0.0, [2.0], -0.05),
    # ExponentialDecay(0.2, 3, 0.95) at steps 0 and 1 on g = 1: -(0.2 + 0.2 * 0.95^(1/3)).
    ({"name": "sgd", "learning_rate": {"schedule": "exponential_decay", "initial_learning_rate": 0.2,
                                       "decay_steps": 3, "decay_rate": 0.95}}, 0.0, [1.0, 1.0], -0.3966095145),
    # staircase: 0.2 for steps 0..2, 0.19 at step 3: -(0.6 + 0.19).
    ({"name": "sgd", "learning_rate": {"schedule": "exponential_decay", "initial_learning_rate": 0.2,
                                       "decay_steps": 3, "decay_rate": 0.95, "staircase": True}},
     0.0, [1.0, 1.0, 1.0, 1.0], -0.79),
    # PiecewiseConstantDecay([0], [1, 0.1]) with wd 0.5 and g = 0: 2 * (1 - 0.5) * (1 - 0.05) = 0.95.
    ({"name": "sgd", "learning_rate": {"schedule": "piecewise_constant_decay", "boundaries": [0],
                                       "values": [1.0, 0.1]}, "weight_decay": 0.5}, 2.0, [0.0, 0.0], 0.95),
]
