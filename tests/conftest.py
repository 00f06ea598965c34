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
def graded(grading_run):
    """{submission name: row of grades.csv}"""
    return grading_run[0]


@pytest.fixture(scope="session")
def grading_run(notebooks, autograder_zip, tmp_path_factory):
    """Every catalogue notebook, the blank one and the reference a second time, graded through
    `otter run` on the built zip, as `make grade` does: ({name: row}, output folder)."""
    solution, student = notebooks
    folder = tmp_path_factory.mktemp("submissions")
    for sub in BUGGY + CORRECT:
        nbformat.write(sub.notebook(solution), folder / f"{sub.name}.ipynb")
    nbformat.write(student, folder / "blank.ipynb")
    shutil.copy(folder / "reference.ipynb", folder / "reference_again.ipynb")
    out = tmp_path_factory.mktemp("grades")
    names, rows = grade.grade_folder(folder, out, autograder_zip, jobs=os.cpu_count() or 1)
    return dict(zip(names, rows)), out
