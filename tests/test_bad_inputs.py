"""Every kind of bad input and attack through the zip's Gradescope entry point (as `make grade` and
Gradescope run it): a results file, the score its honest code earns and no more, a message that names
the problem, an end well within the budget, and nothing left running afterwards."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from instructor import grade
from tests.bad_inputs import BAD
from tests.conftest import processes_mentioning

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def bad_graded(notebooks, autograder_zip, tmp_path_factory, cfg, jobs):
    solution, student = notebooks
    folder = tmp_path_factory.mktemp("bad")
    for bad in BAD:
        (folder / bad.name).mkdir()
        (folder / bad.name / bad.filename).write_bytes(bad.make(solution, student))
    out = tmp_path_factory.mktemp("bad_grades")
    subs = [(bad.name, folder / bad.name / bad.filename) for bad in BAD]  # .py and .zip too, not only .ipynb
    with grade.unpacked(autograder_zip) as files, ThreadPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(lambda s: grade.grade_one(s[0], s[1], "", files, out, cfg), subs))
        time.sleep(1)
        leftovers = processes_mentioning(str(files))
    return dict(zip([name for name, _ in subs], rows)), out, leftovers


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.name)
def test_bad_input_gets_a_result_a_bounded_score_and_a_message(bad_graded, bad, cfg):
    rows, out, _ = bad_graded
    row = rows[bad.name]
    results = json.loads((out / bad.name / "results.json").read_text())
    feedback = (out / bad.name / "feedback.txt").read_text()
    assert row["seconds"] < cfg.budget_s / 2, row
    if bad.score is not None:
        assert row["total"] == bad.score, feedback
    else:
        assert 0 <= row["total"] <= bad.at_most, feedback
    assert bad.message in feedback, feedback
    assert len(results["tests"]) == 5, "a results file with the checks in it"


def test_nothing_the_submissions_started_is_still_running(bad_graded):
    """No sandbox of these gradings (their command lines name the unpacked zip) outlived its grading:
    not the fork bomb's children, not the double fork that waits to rewrite results."""
    assert not bad_graded[2]
