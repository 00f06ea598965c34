"""Notebooks written by sessions that had not seen the grader's code, playing students: correct ones
written every way students write (tests/variants/correct.py) and cheats and attacks, each with its
honest twin (tests/variants/cheats.py). Graded through the zip's Gradescope entry point: every correct
one gets full marks, no cheat or attack scores more than its twin, and no attack leaves a trace."""

import glob
from concurrent.futures import ThreadPoolExecutor

import pytest

from instructor import grade
from tests.variants import write

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def variants():
    from tests import variants

    return variants.load()


@pytest.fixture(scope="session")
def graded_variants(notebooks, variants, autograder_zip, tmp_path_factory, cfg, jobs):
    solution, student = notebooks
    correct, cheats, twins = variants
    folder = tmp_path_factory.mktemp("variants")
    subs = []
    for prefix, items in (("correct", correct), ("cheat", cheats), ("twin", twins)):
        for v in items:
            subs.append((f"{prefix}__{v['name']}", write(v, solution, student, folder, prefix)))
    before = set(glob.glob("/tmp/rt_*"))
    out = tmp_path_factory.mktemp("variant_grades")
    with grade.unpacked(autograder_zip) as files, ThreadPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(lambda s: grade.grade_one(s[0], s[1], "", files, out, cfg), subs))
    traces = set(glob.glob("/tmp/rt_*")) - before
    return {name: row for (name, _), row in zip(subs, rows)}, traces


def test_every_correct_variant_gets_full_marks(graded_variants, variants, cfg):
    rows, _ = graded_variants
    short = {v["name"]: rows[f"correct__{v['name']}"]["total"] for v in variants[0]}
    short = {name: total for name, total in short.items() if total < cfg.points}
    assert not short, short


def test_no_cheat_or_attack_scores_more_than_its_honest_twin(graded_variants, variants, cfg):
    rows, _ = graded_variants
    checks = [name for name, _ in cfg.checks.items()]
    gains = {}
    for c in variants[1]:
        cheat, twin = rows[f"cheat__{c['name']}"], rows[f"twin__{c['twin']}"]
        if cheat["total"] > twin["total"] or any(cheat[k] > twin[k] for k in checks):
            gains[c["name"]] = (cheat["total"], twin["total"])
    assert not gains, gains


def test_attacks_leave_no_trace_on_this_machine(graded_variants):
    assert not graded_variants[1]
