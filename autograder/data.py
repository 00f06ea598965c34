"""MNIST as the grader and the student's process see it, and where the autograder's files are.

`make build` writes two files (`write`), both uncompressed, so that they are read from the page cache:
- data/mnist_student.npz, the only MNIST the sandbox can open: the official 60,000 training images
  and labels, and, standing in for the test set, training images 50,000-59,999 with their labels.
  The notebook's own cells (load_mnist, its trainings, its plots) run; the test set is not there.
- data/mnist_test.npz, the grader's: the official test images and labels, and the images already
  scaled to float32 as mnist_data.to_float scales them (read in place: no conversion per grading).
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .sandbox import npz

N_TRAIN = 55_000  # the book's split: the first 55,000 training images train, the last 5,000 validate
STAND_IN = slice(50_000, 60_000)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layout:
    """Where the grader finds its files: in the zip (files/), or in the repository after `make build`."""

    student_dir: Path  # what students were given: mnist_data.py, mlp_checks.py, tests/
    student_mnist: Path
    test_mnist: Path

    @classmethod
    def at(cls, root):
        root = Path(root)
        if (root / "data" / "mnist_student.npz").exists():  # the zip's layout
            return cls(root / "student", root / "data" / "mnist_student.npz", root / "data" / "mnist_test.npz")
        return cls(
            root / "assignment", root / "dist" / "data" / "mnist_student.npz", root / "dist" / "data" / "mnist_test.npz"
        )

    @classmethod
    def find(cls, *starts):
        for root in [*starts, PACKAGE_ROOT]:
            layout = cls.at(root)
            if layout.student_mnist.exists() and layout.test_mnist.exists():
                return layout
        raise FileNotFoundError("the autograder's MNIST files are missing: run `make build`")


def write(mnist_npz, out_dir):
    """The two files from an MNIST .npz in Keras's layout."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with np.load(mnist_npz) as d:
        x_train, y_train = d["x_train"].reshape(-1, 28, 28), d["y_train"]
        x_test, y_test = d["x_test"].reshape(-1, 28, 28), d["y_test"]
    np.savez(
        out_dir / "mnist_student.npz",
        x_train=x_train,
        y_train=y_train,
        x_test=x_train[STAND_IN],
        y_test=y_train[STAND_IN],
    )
    from mnist_data import to_float

    x_scaled = to_float(x_test.reshape(len(x_test), -1))
    np.savez(out_dir / "mnist_test.npz", x_test=x_test, y_test=y_test, x_test_scaled=x_scaled)


@lru_cache(maxsize=8)
def _array(path, key):
    a = np.asarray(npz.member(path, key))  # a plain view of the map: indexing a np.memmap costs ~0.1 ms a call
    return a.reshape(a.shape[0], -1) if key.startswith("x") else a


def train_labels(layout):
    return _array(layout.student_mnist, "y_train")[:N_TRAIN]


def train_images(layout):
    """The training images (uint8, read in place): the grader's spot checks recompute steps on them."""
    return _array(layout.student_mnist, "x_train")[:N_TRAIN]


def curve_sample(layout, cfg):
    """The training images the loss curve is measured on: a fixed sample, in the grader only."""
    index = np.sort(np.random.RandomState(cfg.shuffle_seed + 1).choice(N_TRAIN, cfg.curve_examples, replace=False))
    return _array(layout.student_mnist, "x_train")[index], _array(layout.student_mnist, "y_train")[index]


def test_images(layout):
    return _array(layout.test_mnist, "x_test")


def test_images_scaled(layout):
    """The test images as the network sees them (float32 in [-1, 1]), straight from the page cache."""
    return npz.member(layout.test_mnist, "x_test_scaled")


def test_labels(layout):
    return _array(layout.test_mnist, "y_test")
