"""Shared fixtures. The fast tier (`pytest -m "not slow"`) needs MNIST and, for the sandbox tests,
this machine's sandbox; the slow tier grades whole notebooks through the built zip."""

import os
from pathlib import Path

import pytest

from autograder import config, data
from instructor import build

ROOT = Path(__file__).resolve().parent.parent


def mnist_path():
    from mnist_data import find_npz

    path = find_npz()
    if path is None:
        pytest.fail("MNIST not found: set MNIST_PATH (CI sets it to ../shared/data/mnist.npz)")
    return path


@pytest.fixture(scope="session")
def cfg():
    return config.load()


@pytest.fixture(scope="session")
def notebooks(cfg):
    """(solution, student) notebooks as the build makes them now."""
    return build.build_notebooks(cfg)


@pytest.fixture(scope="session")
def layout(tmp_path_factory):
    """The grader's files as in the zip: the student folder and MNIST as grader and sandbox see it."""
    root = tmp_path_factory.mktemp("layout")
    data.write(mnist_path(), root / "data")
    (root / "student").symlink_to(ROOT / "assignment")
    return data.Layout.at(root)


@pytest.fixture(scope="session")
def autograder_zip(cfg, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "autograder.zip"
    build.build_zip(cfg, mnist_path(), out)
    return out


@pytest.fixture(scope="session")
def jobs():
    return os.cpu_count() or 1
