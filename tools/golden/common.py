"""Shared by the golden generators: reading experiment files the way duet-compare does."""
import csv
import json
import os
import struct


def load_experiment(path):
    """The experiment as a dict, with data.x / data.y resolved from CSV when needed."""
    with open(path) as f:
        e = json.load(f)
    data = e["data"]
    if "csv" in data:
        with open(os.path.join(os.path.dirname(path), data["csv"])) as f:
            rows = list(csv.reader(f))
        header, body = rows[0], [r for r in rows[1:] if r]
        targets = data["targets"]
        t_idx = [header.index(t) for t in targets]
        f_idx = [i for i in range(len(header)) if i not in t_idx]
        data = {"x": [[float(r[i]) for i in f_idx] for r in body], "y": [[float(r[i]) for i in t_idx] for r in body]}
    e["data"] = data
    if e.get("shuffle", False) or e.get("keras", {}).get("shuffle") or e.get("torch", {}).get("shuffle"):
        raise SystemExit("%s: golden experiments must not shuffle (shuffle: false)" % path)
    if "initial_weights" not in e:
        raise SystemExit("%s: golden experiments need explicit initial_weights" % path)
    return e


def class_index_targets(e):
    y = e["data"]["y"]
    keras_loss = e.get("keras", {}).get("loss", "mean_squared_error")
    if isinstance(keras_loss, dict):
        keras_loss = keras_loss["name"]
    return len(y[0]) == 1 and (e["layers"][-1]["units"] > 1 or keras_loss == "sparse_categorical_crossentropy")


def batch_size(e, side):
    rows = len(e["data"]["x"])
    b = e.get(side, {}).get("batch_size", e.get("batch_size"))
    if b is None:
        b = 32 if side == "keras" else rows
    return min(b, rows)


def float32(v):
    """v rounded to the nearest float32 (as torch.tensor(v, dtype=torch.float32) does)."""
    return struct.unpack("f", struct.pack("f", v))[0]


def train_in_order(x, y, epochs, bs, step, after_epoch=None):
    """The training loop of every golden scenario (they never shuffle): `epochs` passes over
    minibatches of `bs` rows in order; step(xb, yb) makes one update and returns that batch's
    loss as a float. Returns the loss history as both frameworks log it: each epoch's batch
    losses averaged weighted by batch size, in float32. after_epoch() runs after each epoch
    (PyTorch's schedulers)."""
    n = x.shape[0]
    history = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, n, bs):
            xb, yb = x[start:start + bs], y[start:start + bs]
            total += step(xb, yb) * xb.shape[0]
        history.append(float32(total / n))
        if after_epoch is not None:
            after_epoch()
    return history


def f32(v):
    """The shortest decimal that reads back to the same float32 (as duet-compare prints)."""
    target = float32(v)
    for digits in range(1, 10):
        text = "%.*g" % (digits, target)
        if struct.unpack("f", struct.pack("f", float(text)))[0] == target:
            return float(text)
    return target


def shortest(obj):
    if isinstance(obj, list):
        return [shortest(v) for v in obj]
    if isinstance(obj, dict):
        return {k: shortest(v) for k, v in obj.items()}
    if isinstance(obj, float):
        return f32(obj)
    return obj


def write_scenario(out_dir, name, scenario, indent=1):
    """Writes a scenario (an experiment file) as out_dir/name.json and says so."""
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(scenario, f, indent=indent)
        f.write("\n")
    print("wrote", name)


def write_report(path, report):
    with open(path, "w") as f:
        json.dump(shortest(report), f)
        f.write("\n")
