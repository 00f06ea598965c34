"""Shared fixtures. The fast tier (`pytest -m "not slow"`) needs MNIST and, for the sandbox tests,
this machine's sandbox; the slow tier grades whole notebooks through the built zip."""

import os
from pathlib import Path

import pytest

from autograder import config, data
from instructor import build

ROOT = Path(__file__).resolve().parent.parent


def mnist_path():
    """$MNIST_PATH (CI: ../shared/data/mnist.npz), else the loader's cache, else downloaded once."""
    from mnist_data import download, find_npz

    return find_npz() or download()


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


def processes_mentioning(text):
    """Pids of live processes whose command line contains text: what a grading run left behind."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found
