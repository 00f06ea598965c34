"""The committed student folder is what `make build` makes, it gives nothing away, and the zip is
Otter's layout with the grader, its data and Gradescope's entry points."""

import re
import zipfile

import nbformat

from instructor import build
from tests.conftest import ROOT

ASSIGNMENT = ROOT / "assignment"


def test_student_notebook_has_not_drifted(cfg, notebooks):
    _, student = notebooks
    committed = nbformat.read(ASSIGNMENT / f"{cfg.assignment}.ipynb", as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in student.cells], (
        "assignment/ is out of date: run `make build` and commit the result"
    )
    assert committed == student


def test_public_tests_and_checks_have_not_drifted(cfg):
    for check, _ in cfg.checks.items():
        expected = build.public_test(cfg, check)
        path = ASSIGNMENT / "tests" / f"{check}.py"
        assert (path.read_text() if path.exists() else None) == expected, f"{path} is out of date: run `make build`"
    assert (ASSIGNMENT / "mlp_checks.py").read_text() == build.mlp_checks()


def solution_lines():
    lines = (ROOT / "reference" / "mlp.py").read_text().splitlines()
    return [line.split("# SOLUTION")[0].strip() for line in lines if line.rstrip().endswith("# SOLUTION")]


def test_student_folder_reveals_no_solution_and_no_hidden_test(cfg):
    assert len(solution_lines()) == 3
    texts = {p: p.read_text() for p in ASSIGNMENT.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb")}
    assert texts
    for path, text in texts.items():
        for line in solution_lines():
            assert line not in text, f"{path} contains the solution line {line!r}"
        assert not re.search(r"^\s*(from|import) (reference|autograder)\b", text, re.M), path
        assert "hidden=True" not in text, f"{path} holds a hidden test case"
        assert "GRADER_REPORT" not in text, path  # the zip's report-reading tests stay in the zip
    hidden_only = {c for c, check in cfg.checks.items() if not any(x.public for x in check.cases.values())}
    assert hidden_only and not any((ASSIGNMENT / "tests" / f"{c}.py").exists() for c in hidden_only)


def test_student_notebook_stubs_are_valid_python_with_placeholders(notebooks):
    _, student = notebooks
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    compile(code, "student", "exec")
    assert "def relu(z):\n    ..." in code
    assert "a_h = ..." in code and "d_a_h__d_z_h = ..." in code


def test_zip_is_otters_layout_with_the_grader_and_its_data(cfg, autograder_zip):
    zf = zipfile.ZipFile(autograder_zip)
    names = set(zf.namelist())
    for required in (
        "run_autograder",
        "setup.sh",
        "environment.yml",
        "otter_config.json",
        "files/grading.yml",
        "files/data/mnist_student.npz",
        "files/data/mnist_test.npz",
        "files/reference/mlp.py",
        "files/autograder/gradescope.py",
        "files/autograder/notebook.py",
        "files/student/mnist_data.py",
        "files/student/mlp_checks.py",
    ):
        assert required in names, required
    assert "files/reference/notebook.py" not in names
    assert {f"tests/{c}.py" for c, _ in cfg.checks.items()} <= names
    env = zf.read("environment.yml").decode()
    assert f"python={cfg.python_version}" in env
    for pin in build.pinned_requirements():
        assert pin in env, pin
    run = zf.read("run_autograder").decode()
    assert run.startswith("#!/bin/bash\n") and "mamba activate otter-env" in run
    assert "python -m autograder.gradescope" in run and "source/run_otter.py" not in run
    assert "apt-get install -y bubblewrap" in zf.read("setup.sh").decode()


def test_grading_environment_has_what_the_notebook_and_students_use():
    names = {r.split("==")[0] for r in build.pinned_requirements()}
    assert {"numpy", "matplotlib", "scipy", "scikit-learn", "ipython"} <= names
