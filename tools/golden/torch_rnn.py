#!/usr/bin/python3
"""Records torch.nn.RNN / LSTM / GRU from real PyTorch: seeded initial parameters, outputs, final
states and the gradients of a fixed loss, for tests/torch/rnn_test.cpp.

Run by hand with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tools/golden/torch_rnn.py > tests/golden/torch_rnn.json
"""
import json
import math

import torch

torch.set_printoptions(precision=10)


def sequence(shape):
    """Deterministic inputs in [-1, 1] that need no generator: sin(0.7 k + 0.3) over the flat index."""
    n = math.prod(shape)
    return torch.tensor([math.sin(0.7 * k + 0.3) for k in range(n)], dtype=torch.float32).reshape(shape)


def case(kind, seed, kwargs, x_shape):
    torch.manual_seed(seed)
    module = getattr(torch.nn, kind)(**kwargs)
    params = {name: p.detach().flatten().tolist() for name, p in module.named_parameters()}
    x = sequence(x_shape)
    output, state = module(x)
    states = list(state) if kind == "LSTM" else [state]
    # loss = sum(output^2) + sum(h_n): its gradient checks the backward through every step.
    loss = (output ** 2).sum() + states[0].sum()
    loss.backward()
    return {
        "kind": kind, "seed": seed, "options": kwargs, "x_shape": list(x_shape), "x": x.flatten().tolist(),
        "parameters": params,
        "output": output.detach().flatten().tolist(), "output_shape": list(output.shape),
        "h_n": states[0].detach().flatten().tolist(),
        "c_n": states[1].detach().flatten().tolist() if kind == "LSTM" else None,
        "grads": {name: p.grad.flatten().tolist() for name, p in module.named_parameters()},
    }


cases = [
    case("RNN", 0, {"input_size": 3, "hidden_size": 4}, (5, 2, 3)),
    case("RNN", 1, {"input_size": 3, "hidden_size": 4, "nonlinearity": "relu", "num_layers": 2,
                    "batch_first": True}, (2, 5, 3)),
    case("LSTM", 2, {"input_size": 3, "hidden_size": 4, "num_layers": 2}, (5, 2, 3)),
    case("LSTM", 5, {"input_size": 2, "hidden_size": 3, "batch_first": True, "bias": False}, (3, 4, 2)),
    case("GRU", 3, {"input_size": 3, "hidden_size": 4, "num_layers": 2, "batch_first": True}, (2, 5, 3)),
    case("GRU", 4, {"input_size": 2, "hidden_size": 3}, (4, 3, 2)),
]
print(json.dumps({"framework": "PyTorch " + torch.__version__, "cases": cases}))
