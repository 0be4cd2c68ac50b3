#!/usr/bin/env python3
"""Writes MNIST-format idx files (the four files torch::data::datasets::MNIST reads) holding a
seeded synthetic pattern instead of handwriting: class k is a bright 6x6 block at its own place
on a 3x4 grid, shifted by up to one pixel, with faint noise. A small CNN separates the classes in
a few hundred steps, so the pytorch/examples programs can be run without downloading MNIST.
The files follow the format of http://yann.lecun.com/exdb/mnist/ exactly (big-endian header,
magic 2051 / 2049, 28x28 unsigned bytes), so Duet's reader reads the real files the same way.

usage: make_idx.py FOLDER [--train N] [--test N] [--seed S]
"""
import argparse
import os
import random
import struct


def image(label, rng):
    pixels = bytearray(28 * 28)
    for i in range(len(pixels)):
        if rng.random() < 0.05:
            pixels[i] = rng.randrange(0, 40)
    top = 2 + 8 * (label // 4) + rng.randrange(-1, 2)
    left = 1 + 7 * (label % 4) + rng.randrange(-1, 2)
    for r in range(top, top + 6):
        for c in range(left, left + 6):
            if 0 <= r < 28 and 0 <= c < 28:
                pixels[r * 28 + c] = rng.randrange(200, 256)
    return bytes(pixels)


def write(folder, prefix, count, rng):
    labels = [rng.randrange(10) for _ in range(count)]
    with open(os.path.join(folder, prefix + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, 28, 28))
        for label in labels:
            f.write(image(label, rng))
    with open(os.path.join(folder, prefix + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, count))
        f.write(bytes(labels))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--test", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    rng = random.Random(args.seed)
    write(args.folder, "train", args.train, rng)
    write(args.folder, "t10k", args.test, rng)


if __name__ == "__main__":
    main()
