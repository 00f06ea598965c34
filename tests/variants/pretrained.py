"""Weights "a friend trained" for the cheating notebooks (tests/variants/cheats.py): the book's ReLU
MLP trained with a correct backward on all labelled MNIST images, embedded in notebooks as base64.
Trained once per test session (a few seconds)."""

import base64
import io
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def weights(epochs=10, seed=1, lr=0.1):
    from mnist_data import find_npz

    with np.load(find_npz()) as d:
        X = np.concatenate([d["x_train"].reshape(-1, 784), d["x_test"].reshape(-1, 784)])
        y = np.concatenate([d["y_train"], d["y_test"]])
    X = X.astype(np.float32) * np.float32(2 / 255) - np.float32(1)
    rng = np.random.RandomState(seed)
    W1 = rng.normal(0, 0.1, (50, 784)).astype(np.float32)
    b1 = np.zeros(50, np.float32)
    W2 = rng.normal(0, 0.1, (10, 50)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    eye = np.eye(10, dtype=np.float32)
    for _ in range(epochs):
        idx = rng.permutation(len(X))
        for s in range(0, len(X) - 99, 100):
            b = idx[s : s + 100]
            x, t = X[b], eye[y[b]]
            a1 = np.maximum(x @ W1.T + b1, 0)
            a2 = 1 / (1 + np.exp(-(a1 @ W2.T + b2)))
            d2 = 2 * (a2 - t) / 100 * a2 * (1 - a2)
            d1 = (d2 @ W2) * (a1 > 0)
            W2 -= lr * d2.T @ a1
            b2 -= lr * d2.sum(0)
            W1 -= lr * d1.T @ x
            b1 -= lr * d1.sum(0)
    return {"weight_h": W1, "bias_h": b1, "weight_out": W2, "bias_out": b2}


def b64():
    """The weights as float16 in an .npz, base64-encoded (about 110 kB)."""
    buf = io.BytesIO()
    np.savez(buf, **{k: v.astype(np.float16) for k, v in weights().items()})
    return base64.b64encode(buf.getvalue()).decode()
