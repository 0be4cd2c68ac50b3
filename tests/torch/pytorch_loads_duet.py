#!/usr/bin/python3
"""Real PyTorch loads the state_dicts Duet's torch::save wrote (checkpoint_for_pytorch), with
torch.load(weights_only=True): the same names, shapes, dtypes and values, and the same
predictions from a torch.nn.Sequential of the same architecture. Exits 77 (skipped, with a
message) when this python has no torch.

Usage: pytorch_loads_duet.py CHECKPOINT_FOR_PYTORCH_BINARY WORK_DIR
"""
import json
import subprocess
import sys
from pathlib import Path

try:
    import torch
except ImportError:
    print("SKIPPED: this python3 has no torch (apt-get install python3-torch to run this check)")
    sys.exit(77)

binary, work = sys.argv[1], Path(sys.argv[2])
subprocess.run([binary, str(work)], check=True)
record = json.loads((work / "duet_values.json").read_text())

mixed = torch.load(work / "duet_mixed.pt", weights_only=True)
assert list(mixed) == list(record["state"]), (list(mixed), list(record["state"]))
for name, want in record["state"].items():
    got = mixed[name]
    assert list(got.shape) == want["shape"], (name, got.shape)
    assert str(got.dtype) == "torch." + want["dtype"], (name, got.dtype)
    assert got.reshape(-1).tolist() == [type(v)(w) for v, w in zip(got.reshape(-1).tolist(), want["values"])], name

model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
model.load_state_dict(torch.load(work / "duet_mlp.pt", weights_only=True))
with torch.no_grad():
    y = model(torch.tensor(record["x"]))
diff = (y - torch.tensor(record["y"])).abs().max().item()
assert diff <= 2e-6, diff
print(f"pytorch {torch.__version__} loads Duet's state_dicts: {len(mixed)} tensors equal, predictions within {diff:.1e}")
