"""Every kind of bad input through `make grade` (otter run on the built zip, with the grading in
a clean process): results written, the score its honest code earns and no more, a message that
names the problem, and an end in time."""
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder import config, grade
from tests.bad_inputs import BAD


@pytest.fixture(scope="session")
def bad_graded(notebooks, autograder_zip, tmp_path_factory):
    solution, student = notebooks
    folder = tmp_path_factory.mktemp("bad")
    for bad in BAD:
        (folder / bad.name).mkdir()
        (folder / bad.name / bad.filename).write_bytes(bad.make(solution, student))
    out = tmp_path_factory.mktemp("bad_grades")
    cfg = config.load()
    subs = [(bad.name, folder / bad.name / bad.filename) for bad in BAD]  # .py and .zip too, not only .ipynb
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        rows = pool.map(lambda s: grade.grade_one(s[0], s[1], "", autograder_zip, out, cfg["grade_timeout_s"], cfg),
                        subs)
        return dict(zip([name for name, _ in subs], rows)), out


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.name)
def test_bad_input_gets_a_result_a_bounded_score_and_a_message(bad_graded, bad, cfg):
    rows, out = bad_graded
    row = rows[bad.name]
    results = json.loads((out / bad.name / "results.json").read_text())
    feedback = (out / bad.name / "feedback.txt").read_text()
    assert row["seconds"] < cfg["grade_timeout_s"] and not row["status"].startswith("timed out")
    if bad.score is not None:
        assert row["total"] == bad.score, feedback
    else:
        assert 0 <= row["total"] <= bad.at_most, feedback
    assert bad.message in feedback, feedback
    assert results["tests"], "a results file with the checks in it"
