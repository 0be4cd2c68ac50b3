#!/usr/bin/python3
"""Writes state_dict files with real PyTorch (torch.save, PyTorch >= 1.6 zip format) and a JSON
of their values, for tests/torch/checkpoint_test.cpp. Run with Debian's python3-torch 1.13:

    /usr/bin/python3 tools/golden/torch_checkpoints.py tests/golden/checkpoints/torch

Files (all tiny):
  mlp.pt            Sequential(Linear(3, 4), ReLU(), Linear(4, 2)) state_dict, seeded; the JSON
                    also holds inputs and the model's outputs for them
  batchnorm.pt      Sequential(Linear(2, 3), BatchNorm1d(3)) after two training batches:
                    running stats and the int64 buffer num_batches_tracked = 2
  float64.pt        Linear(2, 2).double() state_dict (float64 storages)
  views.pt          one storage shared by several tensors: the whole, a slice at an offset, a
                    transpose (non-contiguous strides) and the same tensor under two names
  mask.pt           a bool tensor
  tensor.pt         torch.save(tensor) of a single tensor
  article.pt        Linear(1, 1) with weight 2 and bias -1 (y = 2x - 1): duet-compare --weights
  legacy.pt         the pre-1.6 format (_use_new_zipfile_serialization=False), which Duet refuses
  half.pt           a float16 tensor (a dtype Duet lacks)
  os_system.pt      a zip whose data.pkl calls os.system: must be refused by name, never run
  truncated.pt      mlp.pt cut in half
  short_storage.pt  views.pt's pickle with its storage entry shorter than the tensors need
"""
import io
import json
import pickle
import sys
import zipfile
from collections import OrderedDict
from pathlib import Path

import torch


def values_of(state):
    out = OrderedDict()
    for name, t in state.items():
        out[name] = {
            "shape": list(t.shape),
            "dtype": str(t.dtype).replace("torch.", ""),
            "values": [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()],
        }
    return out


def rewrite_zip(src, dst, replace):
    """Copies zip `src` to `dst` with the entries in `replace` (name -> bytes) swapped."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)


class CallsSystem:
    """Pickles as a call of os.system: what a hostile checkpoint would contain."""

    def __reduce__(self):
        import os
        return (os.system, ("echo pwned",))


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record = OrderedDict()

    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    torch.save(mlp.state_dict(), out / "mlp.pt")
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    with torch.no_grad():
        y = mlp(x)
    record["mlp.pt"] = {"state": values_of(mlp.state_dict()), "x": x.tolist(), "y": y.tolist()}

    bn = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    bn.train()
    for _ in range(2):
        bn(torch.randn(4, 2))
    torch.save(bn.state_dict(), out / "batchnorm.pt")
    record["batchnorm.pt"] = {"state": values_of(bn.state_dict())}

    lin64 = torch.nn.Linear(2, 2).double()
    with torch.no_grad():
        lin64.weight.copy_(torch.tensor([[0.1, 1.0 / 3.0], [2.0 ** -30, -7.25]], dtype=torch.float64))
    torch.save(lin64.state_dict(), out / "float64.pt")
    record["float64.pt"] = {"state": values_of(lin64.state_dict())}

    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4
    views = OrderedDict(
        [("whole", base), ("rows_1_2", base[1:]), ("transposed", base.t()), ("column_2", base[:, 2]), ("tied", base)]
    )
    assert not views["transposed"].is_contiguous() and views["rows_1_2"].storage_offset() == 4
    torch.save(views, out / "views.pt")
    record["views.pt"] = {"state": values_of(views)}

    mask = OrderedDict([("mask", torch.tensor([True, False, True]))])
    torch.save(mask, out / "mask.pt")
    record["mask.pt"] = {"state": values_of(mask)}

    single = torch.tensor([[1.0, -2.0], [3.5, 4.0]])
    torch.save(single, out / "tensor.pt")
    record["tensor.pt"] = {"tensor": values_of({"t": single})["t"]}

    article = torch.nn.Linear(1, 1)
    with torch.no_grad():
        article.weight.fill_(2.0)
        article.bias.fill_(-1.0)
    torch.save(article.state_dict(), out / "article.pt")

    torch.save(mlp.state_dict(), out / "legacy.pt", _use_new_zipfile_serialization=False)
    torch.save(OrderedDict([("w", torch.ones(2, dtype=torch.float16))]), out / "half.pt")

    hostile = io.BytesIO()
    pickle.dump(OrderedDict([("w", CallsSystem())]), hostile, protocol=2)
    rewrite_zip(out / "mlp.pt", out / "os_system.pt", {"mlp/data.pkl": hostile.getvalue()})

    whole = (out / "mlp.pt").read_bytes()
    (out / "truncated.pt").write_bytes(whole[: len(whole) // 2])

    rewrite_zip(out / "views.pt", out / "short_storage.pt", {"views/data/0": bytes(16)})

    (out / "values.json").write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/golden/checkpoints/torch")
