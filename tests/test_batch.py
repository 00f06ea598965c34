"""`make grade` as an instructor runs it: a Gradescope export with a correct, a buggy, a hanging and an
unreadable submission, relative paths, then the same command again."""

import csv

import nbformat
import pytest

from autograder.sandbox import isolation
from instructor import grade
from tests.submissions import by_name

pytestmark = pytest.mark.slow

METADATA = """\
submission_1:
  :submitters:
  - :name: Ada Correct
    :email: ada@example.edu
submission_2:
  :submitters:
  - :name: Bob Buggy
    :email: bob@example.edu
submission_3:
  :submitters:
  - :name: Cy Hangs
    :email: cy@example.edu
submission_4:
  :submitters:
  - :name: Di Broken
    :email: di@example.edu
"""


def test_gradescope_export_with_a_hang_and_an_unreadable_file(
    notebooks, autograder_zip, tmp_path, monkeypatch, capsys, cfg
):
    solution, student = notebooks
    export = tmp_path / "export"
    for i in range(1, 5):
        (export / f"submission_{i}").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(METADATA)
    nbformat.write(solution, export / "submission_1" / "mlp_relu.ipynb")
    nbformat.write(by_name("derivative_ge").notebook(solution, student), export / "submission_2" / "mine.ipynb")
    hangs = nbformat.from_dict(solution)
    hangs.cells[2].source += "\nwhile True:\n    pass"  # the imports cell: needed, so it runs
    nbformat.write(hangs, export / "submission_3" / "mlp_relu.ipynb")
    (export / "submission_4" / "mlp_relu.ipynb").write_text("{ not json")

    monkeypatch.chdir(tmp_path)
    grade.main(["export", "--out", "grades", "--autograder", str(autograder_zip)])
    rows = {r["submission"]: r for r in csv.DictReader(open(tmp_path / "grades" / "grades.csv"))}
    assert set(rows) == {f"submission_{i}" for i in range(1, 5)}
    assert rows["submission_1"]["students"] == "Ada Correct <ada@example.edu>"
    assert float(rows["submission_1"]["total"]) == cfg.points and rows["submission_1"]["status"] == "graded"
    assert rows["submission_1"]["sandbox"] == next(isolation.candidates(cfg.sandbox.isolation)).name
    assert 0 < float(rows["submission_2"]["total"]) < cfg.points
    # the hanging cell is stopped after the sandbox's cell_timeout_s and the rest is graded
    assert rows["submission_3"]["status"] == "graded" and float(rows["submission_3"]["total"]) == cfg.points
    assert rows["submission_4"]["status"] == "not graded" and float(rows["submission_4"]["total"]) == 0

    feedback = (tmp_path / "grades" / "submission_2" / "feedback.txt").read_text()
    assert "Bob Buggy" in feedback and "did you use `>=`?" in feedback
    assert "did not finish within" in (tmp_path / "grades" / "submission_3" / "feedback.txt").read_text()
    assert "not valid JSON" in (tmp_path / "grades" / "submission_4" / "feedback.txt").read_text()
    assert (tmp_path / "grades" / "summary.png").read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr()
    assert "4/4" in out.err  # tqdm's progress

    grade.main(["export", "--out", "grades", "--autograder", str(autograder_zip)])  # again: nothing to do
    assert capsys.readouterr().out.count("(already graded)") == 4
