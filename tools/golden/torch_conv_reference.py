#!/usr/bin/python3
"""Records PyTorch's convolution and pooling layers for tests/torch/conv_test.cpp: the seeded default
initialisation of nn.Conv1d / nn.Conv2d, and forward values and input gradients of each layer form
(padding int / 'same' / 'valid', stride, pooling with padding, ties, count_include_pad).

Run by hand with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tools/golden/torch_conv_reference.py > tests/golden/torch_conv_reference.json
"""
import json
import math

import torch
import torch.nn.functional as F


def values(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def init_cases():
    cases = []
    for seed, specs in [(0, [("conv2d", 1, 2, (3, 3))]), (42, [("conv2d", 3, 4, (2, 3)), ("conv1d", 2, 3, (5,))]),
                        (7, [("conv1d", 4, 2, (3,))])]:
        torch.manual_seed(seed)
        layers = []
        for kind, cin, cout, k in specs:
            layer = (torch.nn.Conv2d if kind == "conv2d" else torch.nn.Conv1d)(cin, cout, k)
            layers.append({"kind": kind, "in_channels": cin, "out_channels": cout, "kernel_size": list(k),
                           "weight": values(layer.weight), "bias": values(layer.bias)})
        cases.append({"seed": seed, "layers": layers})
    return cases


def input_tensor(shape, ties=False):
    n = math.prod(shape)
    if ties:  # whole numbers in a small range: windows with repeated maxima
        v = [float((i * 7) % 5) for i in range(n)]
    else:
        v = [math.sin(0.7 * i + 0.3) for i in range(n)]
    return torch.tensor(v, dtype=torch.float32).reshape(shape)


def layer_cases():
    torch.manual_seed(3)
    specs = [
        ("Conv2d(2, 3, 3)", torch.nn.Conv2d(2, 3, 3), (2, 2, 5, 5), False),
        ("Conv2d(2, 3, 2, padding=same)", torch.nn.Conv2d(2, 3, 2, padding="same"), (1, 2, 5, 4), False),
        ("Conv2d(2, 3, (3, 2), stride=2, padding=1)", torch.nn.Conv2d(2, 3, (3, 2), stride=2, padding=1), (1, 2, 6, 5), False),
        ("Conv2d(1, 2, 3, padding=valid, bias=False)", torch.nn.Conv2d(1, 2, 3, padding="valid", bias=False), (2, 1, 4, 4), False),
        ("Conv1d(2, 3, 4, padding=same)", torch.nn.Conv1d(2, 3, 4, padding="same"), (2, 2, 7), False),
        ("Conv1d(3, 2, 3, stride=2)", torch.nn.Conv1d(3, 2, 3, stride=2), (1, 3, 8), False),
        ("MaxPool2d(2)", torch.nn.MaxPool2d(2), (1, 2, 5, 4), True),
        ("MaxPool2d(3, stride=2, padding=1)", torch.nn.MaxPool2d(3, stride=2, padding=1), (1, 1, 5, 5), True),
        ("MaxPool1d(2)", torch.nn.MaxPool1d(2), (2, 2, 6), True),
        ("AvgPool2d(2)", torch.nn.AvgPool2d(2), (1, 2, 4, 5), False),
        ("AvgPool2d(3, stride=2, padding=1)", torch.nn.AvgPool2d(3, stride=2, padding=1), (1, 1, 5, 5), False),
        ("AvgPool2d(3, stride=2, padding=1, count_include_pad=False)",
         torch.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 1, 5, 5), False),
        ("AvgPool1d(3, stride=1, padding=1)", torch.nn.AvgPool1d(3, stride=1, padding=1), (1, 2, 5), False),
        ("AdaptiveAvgPool2d(1)", torch.nn.AdaptiveAvgPool2d(1), (2, 3, 2, 3), False),
    ]
    cases = []
    for name, layer, shape, ties in specs:
        x = input_tensor(shape, ties).requires_grad_(True)
        y = layer(x)
        # A weighted sum so every output's gradient differs: L = sum(y * w), w = 1, 2, 3, ...
        w = torch.arange(1, y.numel() + 1, dtype=torch.float32).reshape(y.shape)
        (y * w).sum().backward()
        case = {"name": name, "input_shape": list(shape), "ties": ties, "x": values(x),
                "output_shape": list(y.shape), "y": values(y), "dx": values(x.grad), "repr": repr(layer)}
        params = dict(layer.named_parameters())
        if params:
            case["weight"] = values(params["weight"])
            case["weight_shape"] = list(params["weight"].shape)
            case["bias"] = values(params["bias"]) if "bias" in params else None
            case["dweight"] = values(params["weight"].grad)
        cases.append(case)
    return cases


print(json.dumps({"framework": "PyTorch " + torch.__version__, "init": init_cases(), "layers": layer_cases()},
                 indent=1))
