"""`make grade` as an instructor runs it: a Gradescope export with a correct, a buggy, a hanging
and an unreadable submission, relative paths, then the same command again."""
import csv

import nbformat

from autograder import grade
from tests.submissions import BUGGY

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


def test_gradescope_export_with_a_hang_and_an_unreadable_file(notebooks, autograder_zip, tmp_path,
                                                               monkeypatch, capsys):
    solution, _ = notebooks
    export = tmp_path / "export"
    for i in range(1, 5):
        (export / f"submission_{i}").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(METADATA)
    nbformat.write(solution, export / "submission_1" / "mlp_relu.ipynb")
    derivative_ge = next(s for s in BUGGY if s.name == "derivative_ge")
    nbformat.write(derivative_ge.notebook(solution), export / "submission_2" / "mine.ipynb")
    hangs = nbformat.from_dict(solution)
    hangs.cells.insert(3, nbformat.v4.new_code_cell("while True:\n    pass"))
    nbformat.write(hangs, export / "submission_3" / "mlp_relu.ipynb")
    (export / "submission_4" / "mlp_relu.ipynb").write_text("{ not json")

    monkeypatch.chdir(tmp_path)
    grade.main(["export", "--out", "grades", "--autograder", str(autograder_zip), "--timeout", "240"])
    rows = {r["submission"]: r for r in csv.DictReader(open(tmp_path / "grades" / "grades.csv"))}
    assert set(rows) == {f"submission_{i}" for i in range(1, 5)}
    assert rows["submission_1"]["students"] == "Ada Correct <ada@example.edu>"
    assert float(rows["submission_1"]["total"]) == 20 and rows["submission_1"]["status"] == "graded"
    assert 0 < float(rows["submission_2"]["total"]) < 20
    # the hanging cell is stopped after the sandbox's cell_timeout_s and the rest is graded
    assert rows["submission_3"]["status"] == "graded" and float(rows["submission_3"]["total"]) == 20
    assert rows["submission_4"]["status"].startswith("not graded") and "JSON" in rows["submission_4"]["status"]

    feedback = (tmp_path / "grades" / "submission_2" / "feedback.txt").read_text()
    assert "Bob Buggy" in feedback and "did you use `>=`?" in feedback
    assert "did not finish within" in (tmp_path / "grades" / "submission_3" / "feedback.txt").read_text()
    assert "not valid JSON" in (tmp_path / "grades" / "submission_4" / "feedback.txt").read_text()
    assert (tmp_path / "grades" / "summary.png").read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr()
    assert "4/4 done, 1 not graded" in out.err

    grade.main(["export", "--out", "grades", "--autograder", str(autograder_zip)])  # again: nothing to do
    assert capsys.readouterr().out.count("(already graded)") == 4


def test_a_submission_past_the_time_limit_costs_only_its_row(notebooks, autograder_zip, tmp_path):
    import nbformat
    nbformat.write(notebooks[0], tmp_path / "slow.ipynb")
    (tmp_path / "broken.ipynb").write_text("[]")
    names, rows = grade.grade_folder(tmp_path, tmp_path / "grades", autograder_zip, jobs=2, timeout_s=3)
    by_name = dict(zip(names, rows))
    assert by_name["slow"]["status"] == "timed out after 3 s" and by_name["slow"]["total"] == 0
    assert by_name["broken"]["status"] != "graded"
    assert "Not graded: timed out" in (tmp_path / "grades" / "slow" / "feedback.txt").read_text()
