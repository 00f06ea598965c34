"""Grading time and peak memory of the reference notebook through `otter run` on the built zip,
under Gradescope's default limits (768 MB, half a CPU: ../shared/tools/gradescope-limits) and
unconstrained, side by side in one run.

    make bench        (or: python bench/grading.py [--repeat N])
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMITS = ROOT.parent / "shared" / "tools" / "gradescope-limits"
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def grade(notebook, limited):
    import os
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(ROOT / "dist" / "autograder.zip"),
               "-o", out, str(notebook)]
        # the wrapper measures peak memory either way; --mem-mb/--cpu high = no real limit
        wrap = [str(LIMITS)] + ([] if limited else ["--mem-mb", "100000", "--cpu", "2"]) + ["--"]
        start = time.monotonic()
        proc = subprocess.run(wrap + cmd, cwd=out, env=dict(os.environ, **THREADS), capture_output=True, text=True)
        seconds = time.monotonic() - start
        score = re.search(r"Total Score: ([\d.]+) / ([\d.]+)", proc.stdout)
        peak = re.search(r"peak_mb=(\S+)", proc.stderr)
    return seconds, peak.group(1) if peak else "?", f"{score.group(1)}/{score.group(2)}" if score else "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    notebook = ROOT / "dist" / "mlp_relu_solution.ipynb"
    if not (ROOT / "dist" / "autograder.zip").exists():
        sys.exit("run `make build` first")
    print(f"{'reference notebook, otter run':32s} {'seconds':>8s} {'peak MB':>8s}  score")
    for limited, label in ((True, "Gradescope limits (768 MB, 0.5 CPU)"), (False, "unconstrained")):
        for _ in range(args.repeat):
            seconds, peak, score = grade(notebook, limited)
            print(f"{label:32s} {seconds:8.1f} {peak:>8s}  {score}", flush=True)


if __name__ == "__main__":
    main()
