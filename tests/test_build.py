"""The committed student folder is what `make build` makes, and it gives nothing away."""
import re
import zipfile
from pathlib import Path

import nbformat

from autograder import build

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = ROOT / "assignment"


def test_student_notebook_has_not_drifted(cfg, notebooks):
    _, student = notebooks
    committed = nbformat.read(ASSIGNMENT / f"{cfg['assignment']}.ipynb", as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in student.cells], \
        "assignment/ is out of date: run `make build` and commit the result"
    assert committed == student


def test_public_tests_and_checks_have_not_drifted(cfg):
    for check, check_cfg in cfg["checks"].items():
        expected = build.test_file(check, check_cfg, public_only=True)
        path = ASSIGNMENT / "tests" / f"{check}.py"
        assert (path.read_text() if path.exists() else None) == expected, f"{path} is out of date"
    public = (ROOT / "autograder" / "checks" / "public.py").read_text()
    assert (ASSIGNMENT / "mlp_checks.py").read_text().endswith(public)


def solution_lines():
    lines = (ROOT / "reference" / "mlp.py").read_text().splitlines()
    return [l.split("# SOLUTION")[0].strip() for l in lines if l.rstrip().endswith("# SOLUTION")]


def test_student_folder_reveals_no_solution_and_no_hidden_test(cfg):
    assert len(solution_lines()) == 3
    texts = {p: p.read_text() for p in ASSIGNMENT.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb")}
    assert texts
    for path, text in texts.items():
        for line in solution_lines():
            assert line not in text, f"{path} contains the solution line {line!r}"
        assert not re.search(r"^\s*(from|import) (reference|autograder)\b", text, re.M), path
        assert "hidden=True" not in text, f"{path} holds a hidden test case"
    hidden_only = {c for c, v in cfg["checks"].items() if not any(x["public"] for x in v["cases"].values())}
    assert hidden_only and not any((ASSIGNMENT / "tests" / f"{c}.py").exists() for c in hidden_only)


def test_student_notebook_stubs_are_valid_python_with_placeholders(notebooks):
    _, student = notebooks
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    compile(code, "student", "exec")
    assert "def relu(z):\n    ..." in code
    assert "a_h = ..." in code and "d_a_h__d_z_h = ..." in code


def test_zip_is_otters_layout_with_every_check(cfg, autograder_zip):
    names = set(zipfile.ZipFile(autograder_zip).namelist())
    for required in ("run_autograder", "setup.sh", "environment.yml", "otter_config.json",
                     "files/grading.yml", "files/mnist.npz", "files/reference/mlp.py"):
        assert required in names
    assert {f"tests/{c}.py" for c in cfg["checks"]} <= names
    env = zipfile.ZipFile(autograder_zip).read("environment.yml").decode()
    assert f"python={cfg['python_version']}" in env and "numpy==" in env
