"""PyTorch modules for the activations of issue 15, with PyTorch's own defaults (LeakyReLU 0.01,
GELU exact, Hardsigmoid relu6(x + 3) / 6, Softplus beta 1 threshold 20): gen_torch.py's
ACTIVATIONS table takes these (one-line hook)."""
import torch

ACTIVATIONS = {
    "elu": torch.nn.ELU,
    "selu": torch.nn.SELU,
    "gelu": torch.nn.GELU,
    "leaky_relu": torch.nn.LeakyReLU,
    "softplus": torch.nn.Softplus,
    "swish": torch.nn.SiLU,
    "silu": torch.nn.SiLU,
    "hard_sigmoid": torch.nn.Hardsigmoid,
}
