"""Grading figures, side by side in one run:
- the reference notebook through `otter run` on the built zip, under Gradescope's default
  limits (768 MB, half a CPU: ../shared/tools/gradescope-limits) and unconstrained;
- the book's original pipeline (bench/book_pipeline.py), the comparison anchor, the same two ways;
- bad inputs (a hanging cell, a hanging forward, memory bombs) and a correct variant whose
  float64 derivative makes training float64, under Gradescope's limits;
- a batch of N notebooks made from the catalogue of buggy and correct submissions, graded by
  `make grade`'s code on all of this machine's cores.

    make bench        (or: python bench/grading.py [--batch 100] [--skip-batch])
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMITS = ROOT.parent / "shared" / "tools" / "gradescope-limits"
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'assignment'}"}


def measure(cmd, limited, cwd):
    """(seconds, peak MB, exit code, stdout) of cmd, limited or not; gradescope-limits measures both."""
    wrap = [str(LIMITS)] + ([] if limited else ["--mem-mb", "100000", "--cpu", "2"]) + ["--"]
    start = time.monotonic()
    proc = subprocess.run(wrap + cmd, cwd=cwd, env=dict(os.environ, **THREADS), capture_output=True, text=True)
    seconds = time.monotonic() - start
    peak = re.search(r"peak_mb=(\S+).*oom_killed=(\S+)", proc.stderr)
    killed = " (killed: out of memory)" if peak and peak.group(2) == "yes" else ""
    return seconds, (peak.group(1) if peak else "?") + killed, proc.returncode, proc.stdout


def batch(n, jobs):
    import nbformat

    from autograder import build, config, grade
    from tests.submissions import BUGGY, CORRECT

    solution, _ = build.build_notebooks(config.load())
    catalogue = BUGGY + CORRECT
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "subs"
        folder.mkdir()
        for i in range(n):
            sub = catalogue[i % len(catalogue)]
            nbformat.write(sub.notebook(solution), folder / f"{i:03d}_{sub.name}.ipynb")
        start = time.monotonic()
        _, rows = grade.grade_folder(folder, Path(tmp) / "grades", ROOT / "dist" / "autograder.zip", jobs)
        return time.monotonic() - start, sum(r["status"] == "graded" for r in rows)


def under_limits(bad, correct, out):
    """Grade some bad inputs (tests/bad_inputs.py) and correct variants (tests/submissions.py) under
    Gradescope's limits: (label, seconds, peak, score)."""
    import nbformat

    from autograder import build, config
    from tests.bad_inputs import BAD
    from tests.submissions import CORRECT

    solution, student = build.build_notebooks(config.load())
    notebooks = [(f"bad input {b.name}", b.filename, b.make(solution, student)) for b in BAD if b.name in bad]
    notebooks += [(f"correct variant {c.name}", "mlp_relu.ipynb", nbformat.writes(c.notebook(solution)).encode())
                  for c in CORRECT if c.name in correct]
    for label, filename, content in notebooks:
        path = Path(out) / label.replace(" ", "_") / filename
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(ROOT / "dist" / "autograder.zip"),
               "-o", str(path.parent), str(path)]
        seconds, peak, rc, stdout = measure(cmd, True, path.parent)
        score = re.search(r"Total Score: ([\d.]+) / ([\d.]+)", stdout)
        yield label, seconds, peak, f"{score.group(1)}/{score.group(2)}" if score else f"exit {rc}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=100, help="notebooks in the batch")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--bad", nargs="*", default=["hanging_cell", "hanging_forward", "memory_bomb_cell",
                                                     "memory_bomb_relu"],
                        help="bad inputs (tests/bad_inputs.py) to grade under Gradescope's limits")
    parser.add_argument("--correct", nargs="*", default=["where_and_bool_times_one"],
                        help="correct variants (tests/submissions.py) to grade under Gradescope's limits; "
                             "the default's float64 derivative makes its training float64")
    args = parser.parse_args()
    if not (ROOT / "dist" / "autograder.zip").exists():
        sys.exit("run `make build` first")
    with tempfile.TemporaryDirectory() as out:
        grade_ref = [sys.executable, "-m", "otter", "run", "--no-logo", "-a",
                     str(ROOT / "dist" / "autograder.zip"), "-o", out, str(ROOT / "dist" / "mlp_relu_solution.ipynb")]
        book = [sys.executable, str(ROOT / "bench" / "book_pipeline.py")]
        print(f"{'what':58s} {'seconds':>8s}  peak MB")
        for label, cmd in (("reference notebook, otter run", grade_ref), ("book's pipeline (anchor)", book)):
            for limited, where in ((True, "Gradescope limits (768 MB, 0.5 CPU)"), (False, "unconstrained")):
                seconds, peak, rc, stdout = measure(cmd, limited, out)
                score = re.search(r"Total Score: ([\d.]+) / ([\d.]+)", stdout)
                extra = f"  score {score.group(1)}/{score.group(2)}" if score else f"  exit {rc}" if rc else ""
                print(f"{label + ', ' + where:58s} {seconds:8.1f}  {peak}{extra}", flush=True)
    with tempfile.TemporaryDirectory() as out:
        for label, seconds, peak, score in under_limits(args.bad, args.correct, out):
            print(f"{label + ', Gradescope limits':58s} {seconds:8.1f}  {peak}  score {score}", flush=True)
    if not args.skip_batch:
        jobs = os.cpu_count() or 1
        seconds, graded = batch(args.batch, jobs)
        print(f"{f'batch of {args.batch} catalogue notebooks, {jobs} jobs (make grade)':58s} {seconds:8.1f}  "
              f"({graded} graded, {seconds / args.batch:.1f} s per notebook)")


if __name__ == "__main__":
    main()
