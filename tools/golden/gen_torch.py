#!/usr/bin/python3
"""Golden outputs from real PyTorch for experiment files in duet-compare's format.

Run by hand (not by CI) with Debian's PyTorch 1.13 (apt-get install python3-torch):

    /usr/bin/python3 tools/golden/gen_torch.py tests/golden/scenarios/duet/*.json \
        --out tests/golden/expected/duet

For each scenario it writes <name>.torch.json: predictions, per-epoch loss (batch losses before
each update, averaged weighted by batch size), final weights in Keras' [in][out] layout.
torch.nn Linear layers and activations; CrossEntropyLoss and BCEWithLogitsLoss take logits, so a
final softmax / sigmoid is folded into the loss and applied to the predictions (as duet-compare).
"""
import argparse
import os

import torch

import torch_conv
import torch_knobs
import torch_seq
from common import batch_size, class_index_targets, load_experiment, train_in_order, write_report

ACTIVATIONS = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
               "softmax": lambda: torch.nn.Softmax(dim=-1)}
ACTIVATIONS.update(__import__("torch_norm").ACTIVATIONS)  # issue 15's activations (torch_norm.py)


def folded(e):
    last = e["layers"][-1].get("activation", "linear")
    loss = e["torch"]["loss"]["name"]
    if loss == "cross_entropy" and last == "softmax":
        return "softmax"
    if loss == "bce_with_logits" and last == "sigmoid":
        return "sigmoid"
    return None


def build(e):
    mods, linears = [], []
    fan_in = len(e["data"]["x"][0])
    fold = folded(e)
    for i, layer in enumerate(e["layers"]):
        lin = torch.nn.Linear(fan_in, layer["units"])
        w = e["initial_weights"][i]
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w["kernel"], dtype=torch.float32).t())
            lin.bias.copy_(torch.tensor(w["bias"], dtype=torch.float32))
        mods.append(lin)
        linears.append(lin)
        act = layer.get("activation", "linear")
        last = i == len(e["layers"]) - 1
        if act != "linear" and not (last and fold):
            mods.append(ACTIVATIONS[act]())
        fan_in = layer["units"]
    return torch.nn.Sequential(*mods), linears


def loss_fn(cfg):
    name, red = cfg["name"], cfg.get("reduction", "mean")
    extra = torch_knobs.loss_options(cfg)
    if name == "mse":
        return torch.nn.MSELoss(reduction=red)
    if name == "l1":
        return torch.nn.L1Loss(reduction=red)
    if name == "huber":
        return torch.nn.HuberLoss(reduction=red, delta=cfg.get("delta", 1.0))
    if name == "smooth_l1":
        return torch.nn.SmoothL1Loss(reduction=red, beta=cfg.get("beta", 1.0))
    if name == "bce":
        return torch.nn.BCELoss(reduction=red, **extra)
    if name == "bce_with_logits":
        return torch.nn.BCEWithLogitsLoss(reduction=red, **extra)
    if name == "cross_entropy":
        return torch.nn.CrossEntropyLoss(reduction=red, **extra)
    raise SystemExit("unknown torch loss " + name)


def optimizer(cfg, params):
    o = dict(cfg)
    name = o.pop("name")
    if "betas" in o:
        o["betas"] = tuple(o["betas"])
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop,
           "adagrad": torch.optim.Adagrad, **torch_knobs.OPTIMIZERS}[name]
    return cls(params, **o)


def targets(e):
    y = torch.tensor(e["data"]["y"], dtype=torch.float32)
    if e["torch"]["loss"]["name"] != "cross_entropy":
        return y
    if class_index_targets(e):
        return y[:, 0].long()
    is_one_hot = bool(((y == 0) | (y == 1)).all() and (y.sum(dim=1) == 1).all())
    return y.argmax(dim=1) if is_one_hot else y


def run(e):
    if torch_seq.handles(e):  # v2 sequence models: tools/golden/torch_seq.py
        return torch_seq.run(e, loss_fn, optimizer, targets, folded, batch_size)
    if torch_conv.handles(e):  # v2 convolutional models: tools/golden/torch_conv.py
        return torch_conv.run(e, loss_fn, optimizer, targets, folded, batch_size)
    torch.manual_seed(e.get("seed", 0))
    model, linears = build(e)
    crit = loss_fn(e["torch"]["loss"])
    params = list(model.parameters())
    opt = optimizer(e["torch"]["optimizer"], params)
    sched = torch_knobs.scheduler(e, opt)
    x = torch.tensor(e["data"]["x"], dtype=torch.float32)
    y = targets(e)
    step = torch_conv.module_step(model, crit, opt, before_step=lambda: torch_knobs.clip(e, params))
    history = train_in_order(x, y, e["epochs"], batch_size(e, "torch"), step, sched.step if sched is not None else None)
    with torch.no_grad():
        out = model(torch.tensor(e.get("predict", e["data"]["x"]), dtype=torch.float32))
        fold = folded(e)
        if fold == "softmax":
            out = torch.softmax(out, dim=-1)
        elif fold == "sigmoid":
            out = torch.sigmoid(out)
    return {
        "predictions": out.tolist(),
        "loss_history": history,
        "weights": [{"kernel": l.weight.detach().t().tolist(), "bias": l.bias.detach().tolist()} for l in linears],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="+")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for path in a.scenarios:
        name = os.path.splitext(os.path.basename(path))[0]
        report = {"scenario": name, "side": "torch",
                  "framework": "PyTorch %s (torch.nn + torch.optim, CPU)" % torch.__version__,
                  "generator": "gen_torch.py", "dtype": "float32"}
        report.update(run(load_experiment(path)))
        write_report(os.path.join(a.out, name + ".torch.json"), report)
        print("wrote", name)


if __name__ == "__main__":
    main()
