#!/usr/bin/python3
"""Records PyTorch's nn.ConvTranspose2d for tests/torch/conv_transpose_test.cpp: the seeded default
initialisation (kaiming_uniform(a=sqrt(5)) with fan_in from the weight's dim 1, i.e. out_channels x
kernel area, and the bias bound from the same fan_in), forward values, input / weight / bias
gradients and the printed module for stride, padding, output_padding and bias=False.

Run by hand with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tools/golden/torch_conv_transpose.py > tests/golden/torch_conv_transpose.json
"""
import json
import math

import torch


def values(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def init_cases():
    # in_channels differs from out_channels in every case, so a fan_in taken from the wrong
    # dimension changes the bounds.
    cases = []
    for seed, (cin, cout, k) in [(0, (2, 5, (3, 3))), (42, (6, 1, (4, 4))), (7, (3, 4, (2, 3)))]:
        torch.manual_seed(seed)
        layer = torch.nn.ConvTranspose2d(cin, cout, k)
        cases.append({"seed": seed, "in_channels": cin, "out_channels": cout, "kernel_size": list(k),
                      "weight_shape": list(layer.weight.shape), "weight": values(layer.weight),
                      "bias": values(layer.bias)})
    return cases


def input_tensor(shape):
    n = math.prod(shape)
    return torch.tensor([math.sin(0.7 * i + 0.3) for i in range(n)], dtype=torch.float32).reshape(shape)


def layer_cases():
    torch.manual_seed(3)
    specs = [
        # name, layer, input shape, libtorch options (in, out, kernel, stride, padding, output_padding, bias)
        ("ConvTranspose2d(2, 3, 3)", torch.nn.ConvTranspose2d(2, 3, 3), (2, 2, 3, 3),
         [2, 3, [3, 3], [1, 1], [0, 0], [0, 0], True]),
        ("ConvTranspose2d(3, 2, 4, stride=2, padding=1, bias=False)",
         torch.nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1, bias=False), (1, 3, 3, 2),
         [3, 2, [4, 4], [2, 2], [1, 1], [0, 0], False]),
        ("ConvTranspose2d(2, 2, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2))",
         torch.nn.ConvTranspose2d(2, 2, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2)), (1, 2, 3, 2),
         [2, 2, [3, 2], [2, 3], [1, 0], [1, 2], True]),
        ("ConvTranspose2d(4, 3, 4, bias=False) on 1x1", torch.nn.ConvTranspose2d(4, 3, 4, bias=False), (2, 4, 1, 1),
         [4, 3, [4, 4], [1, 1], [0, 0], [0, 0], False]),
    ]
    cases = []
    for name, layer, shape, options in specs:
        x = input_tensor(shape).requires_grad_(True)
        y = layer(x)
        # A weighted sum so every output's gradient differs: L = sum(y * w), w = 1, 2, 3, ...
        w = torch.arange(1, y.numel() + 1, dtype=torch.float32).reshape(y.shape)
        (y * w).sum().backward()
        cin, cout, k, stride, padding, output_padding, bias = options
        cases.append({"name": name, "in_channels": cin, "out_channels": cout, "kernel_size": k, "stride": stride,
                      "padding": padding, "output_padding": output_padding, "bias_on": bias,
                      "input_shape": list(shape), "x": values(x), "weight_shape": list(layer.weight.shape),
                      "weight": values(layer.weight), "bias": values(layer.bias) if bias else None,
                      "output_shape": list(y.shape), "y": values(y), "dx": values(x.grad),
                      "dweight": values(layer.weight.grad), "dbias": values(layer.bias.grad) if bias else None,
                      "repr": repr(layer)})
    return cases


print(json.dumps({"framework": "PyTorch " + torch.__version__, "init": init_cases(), "layers": layer_cases()},
                 indent=1))
