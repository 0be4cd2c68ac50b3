"""Keras 3's activation functions (keras/src/activations/activations.py) with their defaults, on
PyTorch tensors in float32, for gen_keras_rules.py (one-line hook): where TensorFlow.js is not
Keras 3 (hard_sigmoid: tfjs and Keras 2 use clip(0.2 x + 0.5, 0, 1), Keras 3 relu6(x + 3) / 6),
its goldens come from here. leaky_relu is the function's default slope 0.2 (not the LeakyReLU
layer's 0.3), gelu exact (approximate=False)."""
import torch
import torch.nn.functional as F

ACT = {
    "elu": F.elu,
    "selu": F.selu,
    "gelu": F.gelu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.2),
    "softplus": F.softplus,
    "swish": F.silu,
    "silu": F.silu,
    # ops.hard_sigmoid: relu6(x + 3) / 6, the same formula as torch's hardsigmoid kernel.
    "hard_sigmoid": F.hardsigmoid,
}
