"""Whole notebooks graded through `otter run` on the built zip: the reference, the blank notebook, the
catalogue of buggy, correct and cheating submissions (tests/submissions.py)."""

import pytest

from tests.grading_runs import otter_run_all
from tests.submissions import BUGGY, CATALOGUE, CHEATS, CHECKS, CORRECT, by_name, write_all

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def graded(notebooks, autograder_zip, tmp_path_factory, jobs):
    """{name: {check: score}} for every catalogue notebook, the blank one and the reference again."""
    import nbformat

    solution, student = notebooks
    folder = tmp_path_factory.mktemp("catalogue")
    write_all(folder, solution, student, CATALOGUE)
    nbformat.write(student, folder / "blank.ipynb")
    nbformat.write(by_name("reference").notebook(solution, student), folder / "reference_again.ipynb")
    results = otter_run_all(folder, autograder_zip, tmp_path_factory.mktemp("otter_run"), jobs)
    return {name: scores for name, (scores, _) in results.items()}, results


def max_points(cfg, check):
    return getattr(cfg.checks, check).points


@pytest.mark.parametrize("sub", CORRECT, ids=lambda s: s.name)
def test_correct_submission_gets_full_marks(cfg, graded, sub):
    scores, results = graded
    assert scores[sub.name] == {c: max_points(cfg, c) for c in CHECKS}, results[sub.name][1]


def test_blank_notebook_scores_zero_on_every_check(graded):
    assert graded[0]["blank"] == {c: 0 for c in CHECKS}


@pytest.mark.parametrize("sub", BUGGY, ids=lambda s: s.name)
def test_buggy_submission_loses_points_where_it_should(cfg, graded, sub):
    scores = graded[0][sub.name]
    lost = {c for c in CHECKS if scores[c] < max_points(cfg, c)}
    assert sub.loses <= lost, f"{sub.description}: should lose {sub.loses}, lost {lost}"
    assert not (sub.keeps & lost), f"{sub.description}: should keep {sub.keeps}, lost {lost}"


@pytest.mark.parametrize("sub", CHEATS, ids=lambda s: s.name)
def test_cheat_scores_exactly_its_honest_twin(graded, sub):
    scores = graded[0]
    assert scores[sub.name] == scores[sub.twin], f"{sub.description}: {scores[sub.name]} vs twin {scores[sub.twin]}"


def test_same_notebook_graded_twice_gets_the_same_score(graded):
    assert graded[0]["reference"] == graded[0]["reference_again"]


def test_catalogue_summary(cfg, graded, capsys):
    scores = graded[0]
    caught = sum(any(scores[s.name][c] < max_points(cfg, c) for c in CHECKS) for s in BUGGY)
    full = sum(sum(scores[s.name].values()) == cfg.points for s in CORRECT)
    honest = sum(scores[s.name] == scores[s.twin] for s in CHEATS)
    with capsys.disabled():
        print(
            f"\ncatalogue (otter run): {caught}/{len(BUGGY)} buggy caught, {full}/{len(CORRECT)} correct at full "
            f"marks, {honest}/{len(CHEATS)} cheats at their twin's score"
        )
    assert caught == len(BUGGY) and full == len(CORRECT) and honest == len(CHEATS)
