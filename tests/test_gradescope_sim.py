"""The built zip in ../shared/tools/gradescope-sim: Gradescope's container emulated without Docker
(run_autograder unchanged, as root, 768 MB, half a CPU, killed at 600 s). Needs root and Debian's
python3.11, as CI has; skipped with the reason elsewhere."""

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.bad_inputs import edited
from tests.conftest import ROOT
from tests.submissions import IMPORTS, RELU

SIM = ROOT.parent / "shared" / "tools" / "gradescope-sim"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="gradescope-sim needs root"),
    pytest.mark.skipif(not SIM.exists(), reason=f"{SIM} not found"),
    pytest.mark.skipif(not Path("/usr/bin/python3.11").exists(), reason="gradescope-sim needs Debian's python3.11"),
]


def sim(zip_path, submission, out, **env):
    """(results or None, the run folder, seconds) of one emulated Gradescope run."""
    out = Path(out)
    proc = subprocess.run(
        [str(SIM), str(zip_path), str(submission)],
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, GS_SIM_OUT=str(out), **env),
    )
    (out / "sim.log").write_text(proc.stdout + proc.stderr)
    seconds = float((out / "harness.txt").read_text().split()[2]) - float((out / "harness.txt").read_text().split()[1])
    results = json.loads((out / "results.json").read_text()) if (out / "results.json").exists() else None
    return results, out, seconds


@pytest.fixture(scope="module")
def files(notebooks, tmp_path_factory):
    solution, student = notebooks
    folder = tmp_path_factory.mktemp("sim_submissions")
    nbformat.write(solution, folder / "reference.ipynb")
    nbformat.write(student, folder / "blank.ipynb")
    (folder / "not_json.ipynb").write_text("{ this is not json")
    slow = edited(
        "solution",
        ("replace", RELU, "    import time\n    time.sleep(0.5)\n    return np.maximum(z, 0)"),
        ("append", "import time\ntime.sleep(25)"),
    )(solution, student)
    (folder / "slow.ipynb").write_bytes(slow)
    steal = edited(
        "student",
        (
            "replace",
            IMPORTS,
            IMPORTS + "\nimport glob\nfor p in glob.glob('/autograder/**/mlp.py', "
            "recursive=True):\n    exec(open(p).read().replace("
            "'from mnist_data import to_float', ''), globals())",
        ),
    )
    (folder / "steal.ipynb").write_bytes(steal(solution, student))
    return folder


def test_reference_gets_full_marks_in_under_a_minute(autograder_zip, files, tmp_path, cfg):
    results, out, seconds = sim(autograder_zip, files / "reference.ipynb", tmp_path / "run")
    assert results is not None, (out / "sim.log").read_text()
    assert results["score"] == cfg.points and seconds < 60
    assert "nobody (uid 65534)" in (out / "results.stdout").read_text()


def test_blank_notebook_scores_zero(autograder_zip, files, tmp_path):
    results, _, _ = sim(autograder_zip, files / "blank.ipynb", tmp_path / "run")
    assert results["score"] == 0 and len(results["tests"]) == 5


def test_an_upload_that_is_not_json_gets_zero_and_what_to_upload(autograder_zip, files, tmp_path):
    results, _, _ = sim(autograder_zip, files / "not_json.ipynb", tmp_path / "run")
    assert results["score"] == 0 and "Upload the assignment's .ipynb file" in results["output"]


def test_a_slow_notebook_gets_partial_credit_well_before_the_timeout(autograder_zip, files, tmp_path, cfg):
    results, out, seconds = sim(autograder_zip, files / "slow.ipynb", tmp_path / "run")
    assert results is not None and seconds < 300, (out / "sim.log").read_text()
    scores = {t["name"]: t["score"] for t in results["tests"]}
    assert scores["relu"] == cfg.checks.relu.points and scores["backward"] == cfg.checks.backward.points
    assert results["score"] < cfg.points


def test_the_same_notebook_gets_the_same_score_every_run(autograder_zip, files, tmp_path, cfg):
    nb = nbformat.read(files / "reference.ipynb", 4)
    nb.cells[2].source += "\nimport matplotlib.pyplot as plt\nimport scipy.special\nimport sklearn.metrics"
    nbformat.write(nb, tmp_path / "imports.ipynb")
    runs = [sim(autograder_zip, tmp_path / "imports.ipynb", tmp_path / f"run{i}")[0] for i in range(3)]
    assert [r["score"] for r in runs] == [cfg.points] * 3
    assert len({json.dumps(r["tests"], sort_keys=True) for r in runs}) == 1


def test_locked_miniforge_still_runs_no_student_code_as_root(autograder_zip, files, tmp_path):
    results, out, _ = sim(autograder_zip, files / "steal.ipynb", tmp_path / "run", GS_SIM_MINIFORGE_MODE="700")
    assert results is not None and results["score"] == 0
    log = (out / "results.stdout").read_text()
    assert "nobody (uid 65534)" in log or "could not isolate" in log


def test_without_any_isolation_nothing_is_graded_and_the_cause_is_logged(autograder_zip, files, tmp_path):
    """grading.yml allows only `nobody`, which cannot run Miniforge's Python when its folders are 700:
    fail closed, with a results file that says so."""
    only_nobody = tmp_path / "autograder.zip"
    with zipfile.ZipFile(autograder_zip) as src, zipfile.ZipFile(only_nobody, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "files/grading.yml":
                content = content.replace(b"isolation: [bubblewrap, nobody]", b"isolation: [nobody]")
            dst.writestr(item, content)
    results, out, _ = sim(only_nobody, files / "steal.ipynb", tmp_path / "run", GS_SIM_MINIFORGE_MODE="700")
    assert results is not None and results["score"] == 0
    assert "not with your code" in results["output"]
    assert (
        "could not isolate" in (out / "results.stdout").read_text()
        or "none of the isolation methods" in (out / "results.stdout").read_text()
    )
    shutil.rmtree("/opt/gs-sim/run-tmp", ignore_errors=True)
