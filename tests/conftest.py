import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import build, config, grade
from tests.submissions import BUGGY, CORRECT

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def cfg():
    return config.load()


@pytest.fixture(scope="session")
def notebooks(cfg):
    """(solution, student) notebooks as the build makes them now."""
    return build.build_notebooks(cfg)


@pytest.fixture(scope="session")
def autograder_zip(cfg, tmp_path_factory):
    from mnist_data import find_npz
    mnist = find_npz()
    if mnist is None:
        pytest.fail("MNIST not found: set MNIST_PATH (CI sets it to ../shared/data/mnist.npz)")
    out = tmp_path_factory.mktemp("dist") / "autograder.zip"
    build.build_zip(cfg, mnist, out)
    return out


@pytest.fixture(scope="session")
def graded(notebooks, autograder_zip, tmp_path_factory):
    """Every catalogue notebook, the blank one and the reference a second time, graded through
    `otter run` on the built zip, as `make grade` does. {name: row}."""
    solution, student = notebooks
    folder = tmp_path_factory.mktemp("submissions")
    for sub in BUGGY + CORRECT:
        nbformat.write(sub.notebook(solution), folder / f"{sub.name}.ipynb")
    nbformat.write(student, folder / "blank.ipynb")
    shutil.copy(folder / "reference.ipynb", folder / "reference_again.ipynb")
    names, rows = grade.grade_folder(folder, tmp_path_factory.mktemp("grades"), autograder_zip,
                                     jobs=os.cpu_count() or 1)
    return dict(zip(names, rows))
