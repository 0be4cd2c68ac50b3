#!/usr/bin/python3
"""Writes Keras weight files with h5py in exactly the layouts Keras writes them, for
tests/keras/weight_files_test.cpp, and a JSON of their values. No Keras is needed (and none is
installed here): the layout is read from Keras 3's own source, keras/src/saving/saving_lib.py
(save_weights_only -> _save_state -> H5IOStore / H5Entry), and the legacy one from
keras/src/legacy/saving/legacy_h5_format.py (save_weights_to_hdf5_group):

  Keras 3 (.weights.h5): h5_file.create_group("vars") for the model itself, then for each layer
  of model.layers h5_file.create_group("layers/<snake_case(class)>[_n]").create_group("vars")
  and group[str(i)] = variable for its trainable then non-trainable variables; a compiled
  model's optimizer under "optimizer/vars" the same way (base_optimizer.py save_own_variables:
  `optimizer.variables`, docs/file-format.md), its group with the attribute name="adam".
  Keras 2 (.h5): attributes layer_names, backend, keras_version on the root; per layer a group
  with attribute weight_names ("dense/kernel:0", ...) and a dataset at each weight name.

    /usr/bin/python3 tools/golden/keras_weight_files.py tests/golden/checkpoints/keras
"""
import json
import sys
from pathlib import Path

import h5py
import numpy as np


def keras3(path, layers, optimizer=None, extra=None, optimizer_name=None):
    """layers: list of (name, [arrays]); writes a Keras 3 .weights.h5 the way H5Entry does."""
    with h5py.File(path, "w") as f:
        f.create_group("vars")
        for name, variables in layers:
            group = f.create_group("layers/" + name).create_group("vars")
            for i, v in enumerate(variables):
                group[str(i)] = v
        if optimizer is not None:
            group = f.create_group("optimizer").create_group("vars")
            if optimizer_name:
                group.attrs["name"] = optimizer_name  # H5IOStore.make(path, metadata={"name": ...}), Keras >= 3.10
            for i, v in enumerate(optimizer):
                group[str(i)] = v
        if extra:
            extra(f)


def keras2(path, layers):
    """layers: list of (layer name, [(weight name, array)]), as save_weights_to_hdf5_group."""
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [name.encode("utf8") for name, _ in layers]
        f.attrs["backend"] = "tensorflow".encode("utf8")
        f.attrs["keras_version"] = "2.13.1".encode("utf8")
        for name, weights in layers:
            g = f.create_group(name)
            g.attrs["weight_names"] = [w.encode("utf8") for w, _ in weights]
            for w, value in weights:
                g.create_dataset(w, value.shape, dtype=value.dtype)[...] = value


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(0)
    k1 = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    b1 = rng.uniform(-1, 1, (4,)).astype(np.float32)
    k2 = rng.uniform(-1, 1, (4, 2)).astype(np.float32)
    b2 = rng.uniform(-1, 1, (2,)).astype(np.float32)
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)
    # Dense(4, activation="relu") then Dense(2): Keras computes inputs @ kernel + bias.
    y = np.maximum(x @ k1 + b1, 0) @ k2 + b2
    mlp = [("dense", [k1, b1]), ("dense_1", [k2, b2])]
    # A compiled Adam's variables (iterations, learning_rate, then slots): present, ignored.
    keras3(out / "mlp.weights.h5", mlp, optimizer=[np.int64(7), np.float32(0.001), np.zeros((3, 4), np.float32)])

    # y = 2x - 1 as one Dense(1) (duet-compare --weights on the article experiment).
    keras3(out / "article.weights.h5", [("dense", [np.array([[2.0]], np.float32), np.array([-1.0], np.float32)])])

    mean = np.array([1.0, -2.0, 0.5], np.float32)
    variance = np.array([4.0, 0.25, 1.0], np.float32)
    keras3(out / "normalization.weights.h5", [("normalization", [mean, variance, np.int64(10)]), ("dense", [k1, b1])])

    keras2(out / "mlp-keras2.h5", [("dense", [("dense/kernel:0", k1), ("dense/bias:0", b1)]),
                                   ("dense_1", [("dense_1/kernel:0", k2), ("dense_1/bias:0", b2)])])

    # Files that do not fit a Dense(4) -> Dense(2) model on 3 features, one problem each.
    with h5py.File(out / "no-layers.weights.h5", "w") as f:
        f.create_group("vars")
    keras3(out / "wrong-count.weights.h5", [("dense", [k1, b1]), ("dense_1", [k2])])
    keras3(out / "wrong-shape.weights.h5", [("dense", [k1.T.copy(), b1]), ("dense_1", [k2, b2])])
    keras3(out / "extra-layer.weights.h5", mlp + [("dense_2", [k2])])
    keras3(out / "strings.weights.h5", [("dense", [np.array([b"a", b"b"]), b1]), ("dense_1", [k2, b2])])
    keras2(out / "wrong-count-keras2.h5", [("dense", [("dense/kernel:0", k1), ("dense/bias:0", b1)])])

    # A compiled Keras 3 Adam after 7 steps, as _save_state writes it beside the layers:
    # optimizer/vars/0 the iteration count (int64), 1 the learning rate (float32), then the
    # variables Adam.build adds: add_optimizer_variables(var_list, ["momentum", "velocity"])
    # interleaves them per trainable variable (kernel's momentum, kernel's velocity, bias's
    # momentum, ...; keras/src/optimizers/base_optimizer.py, adam.py, in Keras 3.0.0 and 3.15.1).
    momentums = [rng.uniform(-0.1, 0.1, v.shape).astype(np.float32) for v in (k1, b1, k2, b2)]
    velocities = [rng.uniform(0.0, 0.01, v.shape).astype(np.float32) for v in (k1, b1, k2, b2)]
    adam_slots = [s for pair in zip(momentums, velocities) for s in pair]
    adam_head = [np.int64(7), np.float32(0.001)]
    keras3(out / "mlp-adam.weights.h5", mlp, optimizer=adam_head + adam_slots, optimizer_name="adam")
    # The same state in ways no Keras writes, for the errors (each names file, dataset, problem):
    # all momentums before all velocities (slot 1 is b1's momentum where k1's velocity belongs),
    # the iteration count as a float, a velocity as integers.
    keras3(out / "adam-grouped-slots.weights.h5", mlp, optimizer=adam_head + momentums + velocities,
           optimizer_name="adam")
    keras3(out / "adam-float-iteration.weights.h5", mlp,
           optimizer=[np.float32(7), np.float32(0.001)] + adam_slots, optimizer_name="adam")
    keras3(out / "adam-integer-slot.weights.h5", mlp,
           optimizer=adam_head + adam_slots[:3] + [np.zeros(b1.shape, np.int64)] + adam_slots[4:],
           optimizer_name="adam")

    # A kernel that claims 12,000,000 values in a file of a few kilobytes (gzip-compressed,
    # never written chunks): refused before anything of the claimed size is allocated.
    def compressed_kernel(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars"].create_dataset("0", shape=(3000, 4000), dtype=np.float32, compression="gzip")
    keras3(out / "compressed.weights.h5", mlp, extra=compressed_kernel)

    values = {
        "x": x.tolist(),
        "y": y.astype(np.float32).tolist(),
        "weights": [v.tolist() for v in (k1, b1, k2, b2)],
        "normalization": [mean.tolist(), variance.tolist(), 10],
        "adam_slots": [v.tolist() for v in adam_slots],
    }
    (out / "values.json").write_text(json.dumps(values, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/golden/checkpoints/keras")
