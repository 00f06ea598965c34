"""Load MNIST for the assignment: the notebook, the reference and the grader all use this.

Pixels stay uint8 here (55,000 x 784 bytes = 43 MB for the training set); `to_float`
scales one minibatch at a time, so no float64 copy of the whole set is ever made.

Where the data comes from, first match wins:
1. the path in $MNIST_PATH (an .npz laid out like Keras's mnist.npz);
2. `mnist.npz` next to this file or in the working directory (the autograder zip ships it);
3. a download from OpenML with scikit-learn (as in the book), cached as `mnist.npz` here.
"""
import os
from pathlib import Path

import numpy as np

N_TRAIN = 55_000  # the first 55,000 official training images; the last 5,000 are `valid`
CACHE = Path(__file__).resolve().with_name("mnist.npz")


def find_npz():
    """Path of an MNIST .npz on this machine, or None."""
    env = os.environ.get("MNIST_PATH")
    if env:
        if not Path(env).is_file():
            raise FileNotFoundError(f"MNIST_PATH={env} does not exist")
        return Path(env)
    for candidate in (CACHE, Path.cwd() / "mnist.npz"):
        if candidate.is_file():
            return candidate
    return None


def download(dest=CACHE):
    """Fetch MNIST from OpenML (needs a network) and save it in the Keras layout."""
    from sklearn.datasets import fetch_openml  # only here: importing sklearn costs ~90 MB

    X, y = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False, parser="liac-arff")
    X = X.astype(np.uint8).reshape(-1, 28, 28)
    y = y.astype(np.uint8)
    # OpenML keeps the official order: 60,000 training images, then the 10,000 test images
    np.savez_compressed(dest, x_train=X[:60_000], y_train=y[:60_000], x_test=X[60_000:], y_test=y[60_000:])
    return Path(dest)


def load_mnist(path=None):
    """Return uint8 arrays X_train, y_train, X_valid, y_valid, X_test, y_test (images flattened to 784)."""
    path = Path(path) if path else (find_npz() or download())
    with np.load(path) as d:
        x_train, y_train = d["x_train"].reshape(-1, 784), d["y_train"]
        x_test, y_test = d["x_test"].reshape(-1, 784), d["y_test"]
    return (x_train[:N_TRAIN], y_train[:N_TRAIN], x_train[N_TRAIN:], y_train[N_TRAIN:],
            x_test, y_test)


def to_float(X):
    """Scale uint8 pixels to float32 in [-1, 1], as the book does: ((X / 255.) - .5) * 2."""
    return X.astype(np.float32) * np.float32(2 / 255) - np.float32(1)
