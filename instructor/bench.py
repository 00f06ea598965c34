"""`make bench`: grading figures under Gradescope's default limits (768 MB, half a CPU:
../shared/tools/gradescope-limits), measured side by side in one run.

1. The compute floor: the matrix products that training for the graded number of epochs needs
   (../shared/tools/compute-floor.py), and the reference notebook graded as Gradescope grades it
   (the zip's `python -m autograder.gradescope`): their ratio, the peak memory and where the time goes.
2. The same notebook through `otter run`; correct variants (a float64 derivative; prints in forward
   and backward, against the same notebook without them); bad inputs (hangs, memory bombs).
3. A batch of N catalogue notebooks through `make grade` on all cores.

    make bench        (or: python -m instructor.bench [--repeats 5] [--batch 100] [--skip-batch])
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import config
from instructor import build, grade

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT.parent / "shared" / "tools"
ZIP = ROOT / "dist" / "autograder.zip"


def limited(cmd, cwd, env=None, limits=True):
    """(seconds, peak MB, stdout) of cmd under Gradescope's limits (or only measured)."""
    wrap = [str(TOOLS / "gradescope-limits")] + ([] if limits else ["--mem-mb", "100000", "--cpu", "2"]) + ["--"]
    threads = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    start = time.monotonic()
    proc = subprocess.run(
        wrap + cmd, cwd=cwd, env=dict(os.environ, **threads, **(env or {})), capture_output=True, text=True
    )
    seconds = time.monotonic() - start
    peak = re.search(r"peak_mb=(\S+).*oom_killed=(\S+)", proc.stderr)
    killed = " (killed: out of memory)" if peak and peak.group(2) == "yes" else ""
    return seconds, (peak.group(1) if peak else "?") + killed, proc.stdout


def grade_under_limits(files, notebook, limits=True):
    """The zip's Gradescope entry point on one notebook: (seconds, peak, score, timings, epochs trained)."""
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "submission"
        sub.mkdir()
        shutil.copy(notebook, sub / Path(notebook).name)
        seconds, peak, out = limited(
            [
                sys.executable,
                "-m",
                "autograder.gradescope",
                "--submission",
                str(sub),
                "--results",
                f"{tmp}/results.json",
            ],
            files,
            {"PYTHONPATH": str(files)},
            limits,
        )
        results = json.loads(Path(f"{tmp}/results.json").read_text())
    timings = json.loads(re.search(r"^timings: (.*)$", out, re.M).group(1)) if "timings: " in out else {}
    trained = re.search(r"after (\d+) epochs", json.dumps(results))
    return seconds, peak, results["score"], timings, int(trained.group(1)) if trained else None


def row(label, seconds, peak="", extra=""):
    print(f"{label:66s} {seconds:8.1f}  {peak:>6}  {extra}", flush=True)


def variants(solution, student, folder):
    """Notebooks for part 2, from the catalogue (tests/submissions.py, tests/bad_inputs.py)."""
    from tests.bad_inputs import BAD
    from tests.submissions import by_name

    out = {}
    for name in ("where_and_bool_times_one", "debug_prints"):
        out[f"correct variant {name}"] = by_name(name).notebook(solution, student)
    out["the same without its prints"] = nbformat.reads(nbformat.writes(solution), 4)
    for bad in BAD:
        if bad.name in ("hanging_cell", "hanging_forward", "memory_bomb_in_imports", "memory_leak_relu", "fork_bomb"):
            out[f"bad input {bad.name}"] = nbformat.reads(bad.make(solution, student).decode(), 4)
    for label, nb in out.items():
        path = folder / f"{re.sub(r'[^a-z0-9]+', '_', label)}.ipynb"
        nbformat.write(nb, path)
        out[label] = path
    return out


def batch(n, files_zip, solution, student):
    from tests.submissions import BUGGY, CORRECT

    catalogue = BUGGY + CORRECT
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "subs"
        folder.mkdir()
        for i in range(n):
            sub = catalogue[i % len(catalogue)]
            nbformat.write(sub.notebook(solution, student), folder / f"{i:03d}_{sub.name}.ipynb")
        start = time.monotonic()
        _, rows = grade.grade_folder(folder, Path(tmp) / "grades", files_zip)
        return time.monotonic() - start, sum(r["status"] == "graded" for r in rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=100, help="notebooks in the batch")
    parser.add_argument("--repeats", type=int, default=5, help="floor and grading runs, alternating")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-variants", action="store_true")
    args = parser.parse_args()
    if not ZIP.exists():
        sys.exit("run `make build` first")
    cfg = config.load()
    solution, student = build.build_notebooks(cfg)
    print(f"{'what (Gradescope limits: 768 MB, 0.5 CPU, unless said)':66s} {'seconds':>8s}  {'peak MB':>6}")
    with grade.unpacked(ZIP) as files, tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "mlp_relu.ipynb"
        nbformat.write(solution, reference)
        epochs = str(cfg.checks.training.epochs)
        floor_cmd = [sys.executable, str(TOOLS / "compute-floor.py"), epochs]
        runs = []  # floor and grading alternate, so that both see the same machine; the medians compare
        for _ in range(args.repeats):
            runs.append((limited(floor_cmd, tmp), grade_under_limits(files, reference)))
        runs.sort(key=lambda r: r[1][0])
        (_, floor_peak, _), (seconds, peak, score, timings, trained) = runs[len(runs) // 2]
        floor_s = sorted(r[0][0] for r in runs)[len(runs) // 2]
        many = f", median of {len(runs)}" if len(runs) > 1 else ""
        row(f"compute floor: matrix products of {epochs} epochs{many}", floor_s, floor_peak)
        row(
            f"reference notebook graded as on Gradescope{many}",
            seconds,
            peak,
            f"score {score:g}",
        )
        print(f"{'ratio grading / floor':66s} {seconds / floor_s:8.2f}")
        if trained:  # training stops once the accuracy is reached (stop_at_accuracy): say how early
            floor_trained = limited([sys.executable, str(TOOLS / "compute-floor.py"), str(trained)], tmp)[0]
            row(f"  training stopped after {trained} epochs; floor of {trained} epochs", floor_trained)
            print(f"{'  ratio grading / floor of the epochs trained':66s} {seconds / floor_trained:8.2f}")
        total = timings.pop("total", seconds)
        print("where the time goes (seconds of the median run):")
        row("  start-up: Python, the grader's imports, reading grading.yml", seconds - total)
        for phase, s in timings.items():
            row(f"  {phase}", s)
        row("  the rest: sessions, writing results", total - sum(timings.values()))
        unconstrained = grade_under_limits(files, reference, limits=False)
        floor_free = limited([sys.executable, str(TOOLS / "compute-floor.py"), epochs], tmp, limits=False)[0]
        row(
            "reference notebook, unconstrained (2 CPUs)",
            unconstrained[0],
            unconstrained[1],
            f"score {unconstrained[2]:g}; floor {floor_free:.1f} s, ratio {unconstrained[0] / floor_free:.2f}",
        )
        otter_s, otter_peak, otter_out = limited(
            [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(ZIP), "-o", tmp, str(reference)], tmp
        )
        total_score = re.search(r"Total Score: ([\d.]+)", otter_out)
        row(
            "reference notebook, `otter run` (Otter, its kernel, the plugin)",
            otter_s,
            otter_peak,
            f"score {total_score.group(1) if total_score else '?'}",
        )
        if not args.skip_variants:
            timed = {}
            for label, path in variants(solution, student, Path(tmp)).items():
                s, p, sc, _, _ = grade_under_limits(files, path)
                timed[label] = s
                row(label, s, p, f"score {sc:g}")
            prints, plain = timed["correct variant debug_prints"], timed["the same without its prints"]
            print(f"{'prints in every forward and backward call, time ratio':66s} {prints / plain:8.2f}")
    if not args.skip_batch:
        jobs = cfg.batch_jobs or os.cpu_count() or 1
        seconds, graded = batch(args.batch, ZIP, solution, student)
        row(
            f"batch of {args.batch} catalogue notebooks, make grade, {jobs} jobs (unconstrained)",
            seconds,
            "",
            f"{graded} graded, {seconds / args.batch:.1f} s per notebook",
        )


if __name__ == "__main__":
    main()
