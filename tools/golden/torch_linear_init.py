#!/usr/bin/python3
"""Records nn.Linear's default initialisation from real PyTorch, for tests/torch/linear_init_test.

Run by hand with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tools/golden/torch_linear_init.py > tests/golden/torch_linear_init.json
"""
import json

import torch

cases = []
for seed, shapes in [(0, [(1, 1)]), (0, [(3, 2)]), (42, [(4, 3), (3, 1)]), (67280421310721, [(1, 1)])]:
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(i, o) for i, o in shapes]
    cases.append({
        "seed": seed,
        "layers": [{"in_features": i, "out_features": o,
                    "weight": l.weight.detach().tolist(), "bias": l.bias.detach().tolist()}
                   for (i, o), l in zip(shapes, layers)],
    })
print(json.dumps({"framework": "PyTorch " + torch.__version__, "cases": cases}, indent=1))
