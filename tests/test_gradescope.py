"""What the zip does on Gradescope beyond `otter run`: per-check visibility and a results file
when Otter could not grade at all."""
import json
import zipfile

from autograder import gradescope_results


def test_run_autograder_limits_blas_and_finalizes_results(autograder_zip):
    script = zipfile.ZipFile(autograder_zip).read("run_autograder").decode()
    assert script.startswith("#!/bin/bash\n")
    assert "OPENBLAS_NUM_THREADS=1" in script.split("run_otter.py")[0]
    assert "autograder.gradescope_results /autograder/results/results.json" in script.split("run_otter.py")[1]


def test_visibility_per_check_from_grading_yml(cfg, grading_run, tmp_path, monkeypatch):
    _, out = grading_run
    results = json.loads((out / "derivative_ge" / "results.json").read_text())
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    changed = dict(cfg, checks={k: dict(v, visibility="after_due_date" if k == "training" else "visible")
                                for k, v in cfg["checks"].items()})
    monkeypatch.setattr(gradescope_results.config, "load", lambda: changed)
    gradescope_results.main(path)
    tests = {t["name"]: t for t in json.loads(path.read_text())["tests"]}
    assert tests["training"]["visibility"] == "after_due_date"
    assert "Public Tests" not in tests  # Otter's says "All test cases passed!" for hidden-only checks
    assert tests["backward"]["visibility"] == "visible"
    assert "did you use `>=`?" in tests["backward"]["output"]
    assert tests["backward"]["score"] < tests["backward"]["max_score"]


def test_missing_results_still_give_a_score_and_a_message(cfg, tmp_path):
    path = tmp_path / "results" / "results.json"
    gradescope_results.main(path)
    results = json.loads(path.read_text())
    assert results["score"] == 0 and "could not be graded" in results["output"]
    assert {t["name"] for t in results["tests"]} == set(cfg["checks"])
