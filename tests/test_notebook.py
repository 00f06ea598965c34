"""The student's notebook as a student runs it: headless, top to bottom, with nbclient."""

import base64
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def execute(nb, tmp_path):
    """Run a notebook in a copy of the student's folder, as Jupyter would; return seconds taken."""
    folder = tmp_path / "assignment"
    shutil.copytree(ROOT / "assignment", folder, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    nbformat.write(nb, folder / "mlp_relu.ipynb")
    start = time.monotonic()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return time.monotonic() - start


def images(nb):
    return [
        base64.b64decode(o["data"]["image/png"])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]


def text(cell):
    if cell.cell_type != "code":
        return ""
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


def test_committed_notebook_is_valid_nbformat():
    nbformat.validate(nbformat.read(ROOT / "assignment" / "mlp_relu.ipynb", as_version=4))


def test_every_test_notebook_can_still_be_made_from_the_notebook(notebooks):
    """The catalogue and the variants are edits of the built notebooks: an edit whose text the
    template no longer has raises here, in the fast tier, not at the slow tier's setup."""
    from tests import variants
    from tests.submissions import CATALOGUE

    solution, student = notebooks
    for sub in CATALOGUE:
        assert sub.notebook(solution, student).cells
    for group in variants.load():
        for v in group:
            assert variants.notebook(v, solution, student).cells


def test_solution_notebook_runs_top_to_bottom_with_its_plots(notebooks, tmp_path):
    solution = nbformat.from_dict(notebooks[0])
    seconds = execute(solution, tmp_path)  # raises CellExecutionError if any cell fails
    pngs = images(solution)
    assert len(pngs) >= 4, "digits, training curves, misclassified digits, hidden weights"
    curve_cell = next(c for c in solution.cells if "ax[0].plot(epochs, epoch_loss_relu" in c.source)
    out = os.environ.get("NOTEBOOK_PLOTS")  # to look at them: NOTEBOOK_PLOTS=dir pytest ...
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        for i, png in enumerate(pngs):
            (Path(out) / f"solution_{i}.png").write_bytes(png)
    assert images(nbformat.from_dict({"cells": [curve_cell]}))
    outputs = "".join(text(c) for c in solution.cells)
    assert "ReLU net, test accuracy" in outputs and "Epoch: 020/020" in outputs
    print(f"\nsolution notebook top to bottom: {seconds:.0f} s")


def test_student_notebook_runs_to_the_end_with_checks_failing_cleanly(notebooks, tmp_path):
    student = nbformat.from_dict(notebooks[1])
    seconds = execute(student, tmp_path)  # no cell may raise
    checks = [c for c in student.cells if c.source.startswith("grader.check(")]
    assert len(checks) == 3
    for cell in checks:
        out = text(cell)
        assert "failed" in out.lower() and "Traceback" not in out, out
    assert "is not defined" not in text(checks[0]) and "returned None" in text(checks[0])
    assert any("make the checks above pass first" in text(c) for c in student.cells)
    assert any("Cannot check the gradients yet" in text(c) for c in student.cells)
    print(f"\nstudent notebook (stubs) top to bottom: {seconds:.0f} s")
