"""Whole notebooks graded through `otter run` on the built zip: the reference, the blank
notebook and the catalogue of buggy ones."""
import pytest

from tests.submissions import BUGGY, CORRECT, CHECKS


def max_points(cfg, check):
    return sum(v["points"] for v in cfg["checks"][check]["cases"].values())


@pytest.mark.parametrize("sub", CORRECT, ids=lambda s: s.name)
def test_correct_submission_gets_full_marks(cfg, graded, sub):
    row = graded[sub.name]
    assert row["status"] == "graded"
    assert {c: row[c] for c in CHECKS} == {c: max_points(cfg, c) for c in CHECKS}


def test_blank_notebook_scores_zero_on_every_check(graded):
    row = graded["blank"]
    assert row["status"] == "graded"
    assert {c: row[c] for c in CHECKS} == {c: 0 for c in CHECKS}


@pytest.mark.parametrize("sub", BUGGY, ids=lambda s: s.name)
def test_buggy_submission_loses_points_where_it_should(cfg, graded, sub):
    row = graded[sub.name]
    assert row["status"] == "graded"
    lost = {c for c in CHECKS if row[c] < max_points(cfg, c)}
    assert sub.loses <= lost, f"{sub.description}: should lose {sub.loses}, lost {lost}"
    assert not (sub.keeps & lost), f"{sub.description}: should keep {sub.keeps}, lost {lost}"


def test_same_notebook_graded_twice_gets_the_same_score(graded):
    first, again = graded["reference"], graded["reference_again"]
    assert {c: first[c] for c in CHECKS} == {c: again[c] for c in CHECKS}


def test_catalogue_summary(cfg, graded, capsys):
    caught = sum(any(graded[s.name][c] < max_points(cfg, c) for c in CHECKS) for s in BUGGY)
    full = sum(graded[s.name]["total"] == sum(max_points(cfg, c) for c in CHECKS) for s in CORRECT)
    with capsys.disabled():
        print(f"\ncatalogue: {caught}/{len(BUGGY)} buggy caught, {full}/{len(CORRECT)} correct at full marks")
    assert caught == len(BUGGY) and full == len(CORRECT)
